/**
 * A test control, not an engine behaviour: while held, every stream on both generation routes
 * stops after its first event and waits for the release, so a test knows its streams are in
 * flight, however fast or slow the machine, until it lets them go.
 */
export class StreamGate {
  #held: { promise: Promise<void>; release: () => void } | null = null;

  /** Holds streams from now on; the returned function lets them all go on. */
  hold(): () => void {
    if (this.#held === null) {
      let release = (): void => undefined;
      const promise = new Promise<void>((resolve) => (release = resolve));
      this.#held = { promise, release };
    }
    const held = this.#held;
    return () => {
      if (this.#held === held) this.#held = null;
      held.release();
    };
  }

  /** Resolves when streams may go on (at once when nothing is held), or when `signal` aborts. */
  pass(signal: AbortSignal): Promise<void> {
    const held = this.#held;
    if (held === null || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      void held.promise.then(done);
    });
  }
}
