/**
 * Checks shared by every metrics output, run once per step before anything is written so that
 * a bad record is refused by all outputs alike rather than landing in some of them.
 *
 * A metric record is a flat map from name to number. Names become TensorBoard tags and JSON
 * keys; use `/` to group them (`reward/mean`), which TensorBoard shows as sections.
 */

/** One step's metrics, as callers pass them. */
export type MetricRecord = Readonly<Record<string, number>>;

/** Throws `RangeError` unless `step` is a non-negative safe integer. */
export function checkStep(step: number): void {
  if (!Number.isSafeInteger(step) || step < 0) {
    throw new RangeError(`A metrics step must be a non-negative safe integer, got ${step}`);
  }
}

/**
 * The record's entries in insertion order, after checking that each name is a non-empty string
 * and each value a number. Non-finite numbers pass: each output decides how to store them.
 */
export function metricEntries(metrics: MetricRecord): Array<readonly [string, number]> {
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    throw new TypeError('Metrics must be an object mapping names to numbers');
  }
  const entries = Object.entries(metrics);
  for (const [name, value] of entries) {
    if (name.length === 0) throw new RangeError('A metric name must not be empty');
    if (typeof value !== 'number') {
      throw new TypeError(`The metric "${name}" must be a number, got ${typeof value}`);
    }
  }
  return entries;
}

/** Checks a step and its metrics together; returns the entries. */
export function checkStepMetrics(
  step: number,
  metrics: MetricRecord,
): Array<readonly [string, number]> {
  checkStep(step);
  return metricEntries(metrics);
}
