/**
 * Small statistics over reward lists. The unbiased (n − 1) standard deviation matches
 * `torch.std`, which verl's and Trinity's GRPO use; population statistics are used where a
 * batch is described rather than estimated (metrics, spread comparisons).
 */

export function mean(values: readonly number[]): number {
  if (values.length === 0) return 0;
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export function unbiasedStd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const center = mean(values);
  const squares = values.reduce((sum, value) => sum + (value - center) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/** Population variance (n); 0 for an empty list. */
export function populationVariance(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const center = mean(values);
  return values.reduce((sum, value) => sum + (value - center) ** 2, 0) / values.length;
}

/** True when all values lie within `tolerance` of each other (max − min ≤ tolerance). */
export function isFlat(values: readonly number[], tolerance: number): boolean {
  if (values.length === 0) return true;
  return Math.max(...values) - Math.min(...values) <= tolerance;
}

/** Weighted mean and population standard deviation; zeros when the total weight is 0. */
export function weightedMoments(
  values: readonly number[],
  weights: readonly number[],
): { mean: number; std: number } {
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  if (totalWeight === 0) return { mean: 0, std: 0 };
  const center = values.reduce((sum, value, i) => sum + value * (weights[i] ?? 0), 0) / totalWeight;
  const variance =
    values.reduce((sum, value, i) => sum + (weights[i] ?? 0) * (value - center) ** 2, 0) /
    totalWeight;
  return { mean: center, std: Math.sqrt(variance) };
}
