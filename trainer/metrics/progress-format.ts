/**
 * Pure formatting for the progress line: counters in, one ASCII string out. Kept apart from the
 * display so the exact text is easy to test and to change.
 */

/** What the rollouts of a phase are for: training, or validation (never trained on). */
export type ProgressPhase = 'train' | 'validation';

/** Counters of the current step. */
export type ProgressSnapshot = {
  /** Replaces `step i/n` (a run without steps, such as `rollcall eval`). */
  readonly title?: string;
  readonly phase: ProgressPhase;
  readonly step: number;
  readonly totalSteps: number;
  readonly rolloutsDone: number;
  readonly rolloutsTotal: number;
  /** Rollouts with a judge result (done minus failed). */
  readonly judged: number;
  readonly successes: number;
  readonly failures: number;
  /** Sum and count of finite rewards. */
  readonly rewardSum: number;
  readonly rewardCount: number;
};

const SEPARATOR = ' | ';

/**
 * The status line, e.g. (as one line)
 * `step 3/100 | train rollouts 12/64 | reward 0.412 | success 37.5% | failed 1 | elapsed 2:13`
 * ` | ETA 1:12:40`, or `validation rollouts` while a validation runs. A figure with nothing to
 * show yet is `-`.
 */
export function formatStatusLine(
  snapshot: ProgressSnapshot,
  elapsedMs: number,
  etaMs: number | undefined,
): string {
  const reward =
    snapshot.rewardCount === 0 ? '-' : formatReward(snapshot.rewardSum / snapshot.rewardCount);
  const success =
    snapshot.judged === 0 ? '-' : `${((100 * snapshot.successes) / snapshot.judged).toFixed(1)}%`;
  return [
    snapshot.title ?? `step ${snapshot.step}/${snapshot.totalSteps}`,
    `${snapshot.phase} rollouts ${snapshot.rolloutsDone}/${snapshot.rolloutsTotal}`,
    `reward ${reward}`,
    `success ${success}`,
    `failed ${snapshot.failures}`,
    `elapsed ${formatDuration(elapsedMs)}`,
    `ETA ${etaMs === undefined ? '-' : formatDuration(etaMs)}`,
  ].join(SEPARATOR);
}

/** Three decimals for everyday rewards; exponent form when that would show only zeros. */
function formatReward(mean: number): string {
  const magnitude = Math.abs(mean);
  return magnitude !== 0 && (magnitude < 0.001 || magnitude >= 1e6)
    ? mean.toExponential(2)
    : mean.toFixed(3);
}

/** `m:ss` under an hour, `h:mm:ss` from there on (hours keep counting past 24). */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = String(seconds).padStart(2, '0');
  if (hours === 0) return `${minutes}:${ss}`;
  return `${hours}:${String(minutes).padStart(2, '0')}:${ss}`;
}
