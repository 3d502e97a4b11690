/** Order statistics for the bench: percentiles of samples, medians and IQRs of trials. */

/** Linear-interpolated quantile (q in [0, 1]) of already sorted values. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (position - low);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted([...values].sort((x, y) => x - y), q);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** Interquartile range of trial results (with 3 trials: the spread of the middle half). */
export const iqr = (values: readonly number[]): number => quantile(values, 0.75) - quantile(values, 0.25);

export type LatencySummary = { count: number; p50: number; p99: number; mean: number };

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((x, y) => x - y);
  const sum = sorted.reduce((total, value) => total + value, 0);
  return { count: sorted.length, p50: quantileSorted(sorted, 0.5), p99: quantileSorted(sorted, 0.99), mean: sum / Math.max(1, sorted.length) };
}

/** Fisher–Yates shuffle (the order targets run in, per round). */
export function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Milliseconds with a sensible number of decimals. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) < 1) return `${value.toFixed(3)} ms`;
  if (Math.abs(value) < 10) return `${value.toFixed(2)} ms`;
  return `${value.toFixed(1)} ms`;
}

export const pct = (ratio: number): string => (Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)}%` : 'n/a');

export const fixed = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
