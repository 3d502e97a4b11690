/**
 * The end of one run that is not the workflow's own: its time limit or the caller's cancellation.
 * Whichever comes first wins and is remembered, so a runner can tell `timeout` from `cancelled`
 * after the fact; the workflow sees both as one aborted `signal`.
 */

export type StopReason = 'timeout' | 'cancelled';

export type RunDeadline = {
  /** Given to the workflow; aborted when the run is stopped. */
  readonly signal: AbortSignal;
  /** Why the run was stopped, or null while it was not. */
  stopReason(): StopReason | null;
  /** Resolves when the run is stopped; never rejects, never resolves once disposed. */
  readonly stopped: Promise<StopReason>;
  /** Clears the timer and the listener on the caller's signal; call when the run is over. */
  dispose(): void;
};

export function startDeadline(timeoutMs: number, callerSignal?: AbortSignal): RunDeadline {
  const controller = new AbortController();
  let reason: StopReason | null = null;
  let resolveStopped: (why: StopReason) => void = () => {};
  const stopped = new Promise<StopReason>((resolve) => {
    resolveStopped = resolve;
  });

  const stop = (why: StopReason): void => {
    if (reason !== null) return;
    reason = why;
    const error = new Error(stopMessage(why, timeoutMs));
    error.name = why === 'timeout' ? 'TimeoutError' : 'AbortError';
    controller.abort(error);
    resolveStopped(why);
  };
  const onCallerAbort = (): void => stop('cancelled');

  const timer = setTimeout(() => stop('timeout'), timeoutMs);
  if (callerSignal?.aborted === true) stop('cancelled');
  // Removed in dispose: the trainer shares one shutdown signal across thousands of rollouts,
  // and leaving a listener per run behind would leak them (and trip MaxListenersExceeded).
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });

  return {
    signal: controller.signal,
    stopReason: () => reason,
    stopped,
    dispose: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

/** The failure message of a stopped run, shared so all runners word it alike. */
export function stopMessage(why: StopReason, timeoutMs: number): string {
  return why === 'timeout' ? `workflow did not finish within ${timeoutMs} ms` : 'run cancelled';
}
