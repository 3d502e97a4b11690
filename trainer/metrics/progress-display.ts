/**
 * A one-line training status for people watching a run:
 *
 *   step 3/100 | train rollouts 12/64 | reward 0.412 | success 37.5% | failed 1 | elapsed 2:13 \
 *     | ETA 1:12:40
 *
 * The line says which rollouts it counts: `train` ones, or `validation` ones (held-out checks
 * between steps, or all of `rollcall eval`, whose line has a `title` instead of a step).
 *
 * On a terminal the line is redrawn in place (`\r`, the line, clear-to-end-of-line) at most every
 * `ttyIntervalMs`, and cut to the terminal width because a wrapped line can no longer be
 * rewritten with `\r`. Elsewhere (CI logs, `| tee`) it prints one plain line at most every
 * `plainIntervalMs`, so a long run does not flood its log. Nothing here writes to the console:
 * the caller hands in the stream and says whether it is a terminal, which is also how tests
 * capture it.
 *
 * Steps are 1-based (the last is `totalSteps`). Reward mean and success rate cover the current
 * step's judged rollouts; failed rollouts (errors, timeouts) count as done and are shown apart.
 * The ETA uses the average duration of the training steps finished since the display started (a
 * resumed run measures only its own steps); during the first step it extrapolates from rollouts
 * done. A validation phase is not a step: its time is spread over the steps finished.
 */

import { formatStatusLine, type ProgressPhase, type ProgressSnapshot } from './progress-format.ts';

/** Anything with `write(string)`: `process.stdout`, a file stream, a test buffer. */
export type ProgressStream = { write(chunk: string): unknown };

export type ProgressDisplayOptions = {
  readonly stream: ProgressStream;
  /** Whether `stream` is a terminal (usually `process.stdout.isTTY === true`). */
  readonly isTTY: boolean;
  readonly totalSteps: number;
  /** Shown instead of `step i/n`, for a run that has no steps (`eval`). */
  readonly title?: string;
  /** Clock in milliseconds (default `Date.now`). */
  readonly now?: () => number;
  /** Least time between redraws on a terminal (default 250 ms). */
  readonly ttyIntervalMs?: number;
  /** Least time between plain lines when not a terminal (default 30 000 ms). */
  readonly plainIntervalMs?: number;
  /** Terminal width for cutting the line (default 120; pass `process.stdout.columns`). */
  readonly columns?: number;
};

const CLEAR_TO_EOL = '\x1b[K';

export class ProgressDisplay {
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly startedAt: number;
  private snapshot: ProgressSnapshot;
  private firstStep: number | undefined;
  private stepsFinished = 0;
  private lastStepEndAt: number | undefined;
  private lastDrawAt: number | undefined;
  private isLineOpen = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ProgressDisplayOptions) {
    if (!Number.isSafeInteger(options.totalSteps) || options.totalSteps < 1) {
      throw new RangeError(`totalSteps must be a positive integer, got ${options.totalSteps}`);
    }
    this.now = options.now ?? Date.now;
    this.intervalMs = options.isTTY
      ? (options.ttyIntervalMs ?? 250)
      : (options.plainIntervalMs ?? 30_000);
    this.startedAt = this.now();
    this.snapshot = this.emptySnapshot(0, 0, 'train');
  }

  /**
   * Starts a step of `rolloutsTotal` rollouts (the group size times the tasks in the batch), or
   * a validation of that many rollouts.
   */
  beginStep(step: number, rolloutsTotal: number, phase: ProgressPhase = 'train'): void {
    if (phase === 'train') this.firstStep ??= step;
    // A log (not a terminal) gets a line whenever the phase changes, so it shows every validation.
    const isNewPhase = phase !== this.snapshot.phase;
    this.snapshot = this.emptySnapshot(step, rolloutsTotal, phase);
    this.refresh(this.options.isTTY || isNewPhase);
  }

  /** A rollout was judged: its reward and whether it succeeded. */
  rolloutFinished(reward: number, isSuccess: boolean): void {
    const s = this.snapshot;
    const isCounted = Number.isFinite(reward);
    this.snapshot = {
      ...s,
      rolloutsDone: s.rolloutsDone + 1,
      judged: s.judged + 1,
      successes: s.successes + (isSuccess ? 1 : 0),
      rewardSum: s.rewardSum + (isCounted ? reward : 0),
      rewardCount: s.rewardCount + (isCounted ? 1 : 0),
    };
    this.refresh(false);
  }

  /** A rollout ended without a judged result (workflow error, timeout, cancellation). */
  rolloutFailed(): void {
    const s = this.snapshot;
    this.snapshot = { ...s, rolloutsDone: s.rolloutsDone + 1, failures: s.failures + 1 };
    this.refresh(false);
  }

  /**
   * The step is over (learner update included): it now counts toward the ETA. A validation is not
   * a step, but its time is part of the run, so it is spread over the steps done.
   */
  endStep(): void {
    if (this.snapshot.phase === 'train') this.stepsFinished += 1;
    if (this.stepsFinished > 0) this.lastStepEndAt = this.now();
    this.refresh(this.options.isTTY);
  }

  /** Redraws the status if `force` or if the interval has passed since the last draw. */
  refresh(force = false): void {
    const now = this.now();
    if (!force && this.lastDrawAt !== undefined && now - this.lastDrawAt < this.intervalMs) return;
    this.lastDrawAt = now;
    const line = this.line(now);
    if (this.options.isTTY) {
      this.options.stream.write(`\r${cut(line, (this.options.columns ?? 120) - 1)}${CLEAR_TO_EOL}`);
      this.isLineOpen = true;
    } else {
      this.options.stream.write(`${line}\n`);
    }
  }

  /** Redraws on a timer so elapsed time and ETA move while rollouts run; the timer is unref'd. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.refresh(false), this.intervalMs);
    this.timer.unref();
  }

  /** Erases the terminal line so a log line can be printed; the next refresh draws it again. */
  clear(): void {
    if (!this.options.isTTY || !this.isLineOpen) return;
    this.options.stream.write(`\r${CLEAR_TO_EOL}`);
    this.isLineOpen = false;
    this.lastDrawAt = undefined;
  }

  /** Prints a line that stays (a validation result): above the status line on a terminal. */
  note(line: string): void {
    this.clear();
    this.options.stream.write(`${line}\n`);
    if (this.options.isTTY) this.refresh(true);
  }

  /** Stops the timer, draws the final status and ends the terminal line. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.refresh(true);
    if (this.options.isTTY) this.options.stream.write('\n');
    this.isLineOpen = false;
  }

  /** The status line as of `now`, without writing it. */
  line(now = this.now()): string {
    return formatStatusLine(this.snapshot, now - this.startedAt, this.etaMs(now));
  }

  private etaMs(now: number): number | undefined {
    const stepsToRun = this.options.totalSteps - (this.firstStep ?? 1) + 1;
    if (this.stepsFinished > 0 && this.lastStepEndAt !== undefined) {
      const perStep = (this.lastStepEndAt - this.startedAt) / this.stepsFinished;
      const left = perStep * (stepsToRun - this.stepsFinished) - (now - this.lastStepEndAt);
      return Math.max(0, left);
    }
    const { rolloutsDone, rolloutsTotal } = this.snapshot;
    if (rolloutsDone === 0 || rolloutsTotal === 0) return undefined;
    const elapsed = now - this.startedAt;
    return Math.max(0, (elapsed / (rolloutsDone / rolloutsTotal)) * stepsToRun - elapsed);
  }

  private emptySnapshot(step: number, rolloutsTotal: number, phase: ProgressPhase): ProgressSnapshot {
    return {
      ...(this.options.title === undefined ? {} : { title: this.options.title }),
      phase,
      step,
      totalSteps: this.options.totalSteps,
      rolloutsDone: 0,
      rolloutsTotal,
      judged: 0,
      successes: 0,
      failures: 0,
      rewardSum: 0,
      rewardCount: 0,
    };
  }
}

/** Cuts to `width` characters; the status line is ASCII so length equals columns. */
function cut(line: string, width: number): string {
  return line.length <= width ? line : line.slice(0, Math.max(0, width));
}
