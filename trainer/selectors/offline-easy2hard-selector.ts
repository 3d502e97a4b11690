/**
 * `offline_easy2hard`: a fixed curriculum. Tasks are sorted once by one feature column, descending
 * (higher = easier, e.g. a reference model's pass rate), then served in that order like
 * `sequential`, restarting the curriculum each epoch.
 *
 * Ties keep file order (a stable sort). Trinity-RFT sorts `(feature, index)` tuples descending,
 * which puts tied tasks in reverse file order; we keep file order so that a taskset already
 * ordered by the author stays in that order within a difficulty level.
 */
import { PositionSelector, spanOfPositions } from './position-selector.ts';
import { assertFeatureColumn } from './selector-checks.ts';

export class OfflineEasy2HardSelector extends PositionSelector {
  readonly type = 'offline_easy2hard' as const;
  /** Task indices from easiest to hardest. */
  readonly curriculum: readonly number[];

  constructor(taskCount: number, seed: number, easiness: readonly number[]) {
    super(taskCount, seed);
    assertFeatureColumn('easiness', easiness, taskCount);
    // Array.prototype.sort is stable (ES2019), so equal features keep ascending index order.
    this.curriculum = easiness
      .map((value, index) => ({ value, index }))
      .sort((a, b) => b.value - a.value)
      .map((entry) => entry.index);
  }

  protected batchAt(start: number, batchSize: number): number[] {
    return spanOfPositions(start, batchSize, (position) => {
      const index = this.curriculum[position % this.taskCount];
      if (index === undefined) throw new RangeError(`curriculum position ${position} out of range`);
      return index;
    });
  }
}
