/**
 * Boundary checks shared by all selectors. A selector serving an out-of-range index or silently
 * accepting a state saved for another taskset would corrupt a run without any visible error, so
 * every entry point validates here first.
 */
import type { SelectorState, SelectorType } from './selector-types.ts';

export function assertTaskCount(taskCount: number): void {
  if (!Number.isSafeInteger(taskCount) || taskCount < 1) {
    throw new RangeError(`taskCount must be a positive integer, got ${taskCount}`);
  }
}

export function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`selector seed must be a safe integer, got ${seed}`);
  }
}

/**
 * A batch larger than the taskset would repeat tasks inside one batch (and `random` could not
 * draw distinct indices at all), which breaks the one-group-per-task assumption downstream.
 */
export function assertBatchSize(batchSize: number, taskCount: number): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > taskCount) {
    throw new RangeError(`batchSize must be an integer in [1, ${taskCount}], got ${batchSize}`);
  }
}

export function assertFeedback(
  indices: readonly number[],
  passRates: readonly number[],
  taskCount: number,
): void {
  if (indices.length !== passRates.length) {
    throw new RangeError(
      `feedback needs one pass rate per index: ${indices.length} indices, ${passRates.length} rates`,
    );
  }
  const seen = new Set<number>();
  for (const [position, index] of indices.entries()) {
    if (!Number.isInteger(index) || index < 0 || index >= taskCount) {
      throw new RangeError(`feedback index ${index} (at ${position}) is outside [0, ${taskCount})`);
    }
    if (seen.has(index)) {
      throw new RangeError(`feedback index ${index} appears twice; aggregate pass rates per task`);
    }
    seen.add(index);
    const rate = passRates[position];
    if (rate === undefined || !Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new RangeError(`feedback pass rate ${rate} (at ${position}) is outside [0, 1]`);
    }
  }
}

/** A feature column must cover every task with finite values. */
export function assertFeatureColumn(
  name: string,
  values: readonly number[] | undefined,
  taskCount: number,
): readonly number[] {
  if (values === undefined) {
    throw new RangeError(`feature column "${name}" is missing`);
  }
  if (values.length !== taskCount) {
    throw new RangeError(
      `feature column "${name}" has ${values.length} values for ${taskCount} tasks`,
    );
  }
  const badIndex = values.findIndex((value) => !Number.isFinite(value));
  if (badIndex >= 0) {
    throw new RangeError(`feature column "${name}" has a non-finite value at task ${badIndex}`);
  }
  return values;
}

/** Refuses a state from another selector type or taskset; returns it narrowed. */
export function assertRestorable<T extends SelectorType>(
  state: SelectorState,
  type: T,
  taskCount: number,
): Extract<SelectorState, { type: T }> {
  if (state.type !== type) {
    throw new RangeError(`cannot restore a "${state.type}" selector state into "${type}"`);
  }
  if (state.taskCount !== taskCount) {
    throw new RangeError(
      `selector state was taken with ${state.taskCount} tasks, this taskset has ${taskCount}`,
    );
  }
  if (!Number.isSafeInteger(state.position) || state.position < 0) {
    throw new RangeError(`selector state position must be a non-negative integer`);
  }
  return state as Extract<SelectorState, { type: T }>;
}
