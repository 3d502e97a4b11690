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
 * A batch larger than the taskset would serve tasks several times in one batch by construction
 * (and `random` could not draw distinct indices at all); refuse it as a configuration error.
 */
export function assertBatchSize(batchSize: number, taskCount: number): void {
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > taskCount) {
    throw new RangeError(`batchSize must be an integer in [1, ${taskCount}], got ${batchSize}`);
  }
}

export interface Feedback {
  readonly indices: readonly number[];
  readonly passRates: readonly number[];
  /** Rollouts each pass rate was observed over. */
  readonly trials: readonly number[];
}

/**
 * Validates feedback and merges repeated task indices: their trials are pooled (successes summed
 * over rollouts summed). Repeats are legitimate: a `shuffle` batch that crosses an epoch boundary
 * can hold the same task twice (the tail of one permutation and the head of the next), and each
 * copy was judged on its own.
 */
export function normalizeFeedback(
  indices: readonly number[],
  passRates: readonly number[],
  trials: readonly number[],
  taskCount: number,
): Feedback {
  if (indices.length !== passRates.length || indices.length !== trials.length) {
    throw new RangeError(
      `feedback needs one pass rate and one trial count per index: ${indices.length} indices, ${passRates.length} rates, ${trials.length} trial counts`,
    );
  }
  const sums = new Map<number, { successes: number; trials: number }>();
  for (const [position, index] of indices.entries()) {
    if (!Number.isInteger(index) || index < 0 || index >= taskCount) {
      throw new RangeError(`feedback index ${index} (at ${position}) is outside [0, ${taskCount})`);
    }
    const rate = passRates[position];
    if (rate === undefined || !Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new RangeError(`feedback pass rate ${rate} (at ${position}) is outside [0, 1]`);
    }
    const count = trials[position];
    if (count === undefined || !Number.isSafeInteger(count) || count < 1) {
      throw new RangeError(`feedback trial count ${count} (at ${position}) must be a positive integer`);
    }
    const entry = sums.get(index) ?? { successes: 0, trials: 0 };
    sums.set(index, { successes: entry.successes + rate * count, trials: entry.trials + count });
  }
  const merged = [...sums.entries()];
  return {
    indices: merged.map(([index]) => index),
    passRates: merged.map(([, entry]) => entry.successes / entry.trials),
    trials: merged.map(([, entry]) => entry.trials),
  };
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
