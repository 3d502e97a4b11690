/**
 * Shared base of the selectors whose whole state is the read position `i` (tasks served so far):
 * sequential, shuffle, random and offline_easy2hard. Because a batch is a pure function of
 * (seed, i), saving `i` is enough for a resumed run to continue the identical sequence.
 */
import {
  assertBatchSize,
  assertRestorable,
  assertSeed,
  assertTaskCount,
  normalizeFeedback,
} from './selector-checks.ts';
import type {
  PositionSelectorState,
  PositionSelectorType,
  SelectorState,
  TaskSelector,
} from './selector-types.ts';

export abstract class PositionSelector implements TaskSelector {
  abstract readonly type: PositionSelectorType;
  protected position = 0;

  constructor(
    readonly taskCount: number,
    protected readonly seed: number,
  ) {
    assertTaskCount(taskCount);
    assertSeed(seed);
  }

  next(batchSize: number): number[] {
    assertBatchSize(batchSize, this.taskCount);
    const batch = this.batchAt(this.position, batchSize);
    this.position += batchSize;
    return batch;
  }

  /** Non-adaptive: the feedback is validated so misuse is loud, then ignored. */
  feedback(indices: readonly number[], passRates: readonly number[], trials: readonly number[]): void {
    normalizeFeedback(indices, passRates, trials, this.taskCount);
  }

  state(): PositionSelectorState {
    return { type: this.type, taskCount: this.taskCount, position: this.position };
  }

  restore(state: SelectorState): void {
    this.position = assertRestorable(state, this.type, this.taskCount).position;
  }

  metrics(): Record<string, number> {
    return {
      'selector/position': this.position,
      'selector/epoch': Math.floor(this.position / this.taskCount),
    };
  }

  /** The batch served when the read position is `start`; must depend only on (seed, start). */
  protected abstract batchAt(start: number, batchSize: number): number[];
}

/**
 * For selectors that serve one fixed order per epoch: the task at read position p is
 * `indexAt(p)`, so a batch crosses an epoch boundary seamlessly.
 */
export function spanOfPositions(
  start: number,
  batchSize: number,
  indexAt: (position: number) => number,
): number[] {
  return Array.from({ length: batchSize }, (_, offset) => indexAt(start + offset));
}
