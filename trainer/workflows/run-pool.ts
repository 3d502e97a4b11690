/**
 * A concurrency-limited executor for the trainer's `tasks × groupSize` rollouts.
 *
 * At most `concurrency` calls of `fn` are in flight, and a call's promise is created only when a
 * slot is free: `Promise.all(items.map(fn))` would start every rollout at once (thousands of agent
 * processes, a flood of proxy calls) and leave `concurrency` meaning nothing. Results come back in
 * the order of `items`, whatever order the calls finish in.
 *
 * `fn` is expected to report failures as data (the workflow runners never reject). If it does
 * throw, or `onSettled` does, no further item is started, the calls in flight are awaited (none
 * is left running unobserved) and `runAll` then rejects with the first error.
 *
 * @example
 * const results = await runAll(rollouts, config.rollout.concurrency,
 *   (rollout) => runner.run(rollout.input),
 *   (result, index) => progress.tick(index, result.ok));
 */

export async function runAll<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
  onSettled?: (result: R, index: number) => void,
): Promise<R[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  const errors: unknown[] = [];

  // Each worker takes the next index synchronously, so no item is taken twice or skipped.
  const worker = async (): Promise<void> => {
    while (errors.length === 0 && next < items.length) {
      const index = next;
      next += 1;
      try {
        const result = await fn(items[index] as T, index);
        results[index] = result;
        onSettled?.(result, index);
      } catch (error) {
        errors.push(error);
      }
    }
  };

  const workerCount = Math.min(concurrency, items.length);
  await Promise.all(Array.from({ length: workerCount }, worker));
  if (errors.length > 0) throw errors[0];
  return results;
}
