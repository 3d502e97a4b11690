/**
 * Index draws built on `Prng`: permutations, distinct subsets, deterministic top-k and sampling
 * without replacement from a softmax. Every function consumes the generator in a fixed order, so
 * the same seed always yields the same indices.
 */
import type { Prng } from './prng.ts';

/** A uniformly random permutation of 0..n-1 (Fisher–Yates, from the back). */
export function permutation(prng: Prng, n: number): number[] {
  const order = Array.from({ length: n }, (_, index) => index);
  for (let i = n - 1; i > 0; i -= 1) {
    swap(order, i, prng.nextInt(i + 1));
  }
  return order;
}

/** `count` distinct indices from 0..n-1, uniformly (partial Fisher–Yates, from the front). */
export function sampleDistinct(prng: Prng, n: number, count: number): number[] {
  if (count > n) {
    throw new RangeError(`cannot draw ${count} distinct indices from ${n}`);
  }
  const pool = Array.from({ length: n }, (_, index) => index);
  for (let i = 0; i < count; i += 1) {
    swap(pool, i, i + prng.nextInt(n - i));
  }
  return pool.slice(0, count);
}

/**
 * Indices of the `count` largest scores, best first. Ties go to the lower index so the result does
 * not depend on the sort implementation (torch.topk leaves tie order unspecified).
 */
export function topKIndices(scores: readonly number[], count: number): number[] {
  const order = scores.map((score, index) => ({ score, index }));
  order.sort((a, b) => b.score - a.score || a.index - b.index);
  return order.slice(0, count).map((entry) => entry.index);
}

/**
 * `count` distinct indices drawn without replacement with probabilities softmax(logits), in draw
 * order. Uses the Gumbel-top-k trick: the top-k of `logit − log(−log u)` has exactly the law of
 * drawing one index from the softmax, removing it, renormalising and drawing again (what
 * `torch.multinomial(softmax(x), k, replacement=False)` does), in O(n log n) and without
 * under-flowing probabilities when logits are far apart.
 */
export function sampleSoftmaxWithoutReplacement(
  prng: Prng,
  logits: readonly number[],
  count: number,
): number[] {
  if (count > logits.length) {
    throw new RangeError(`cannot draw ${count} distinct indices from ${logits.length}`);
  }
  const perturbed = logits.map((logit) => logit - Math.log(-Math.log(prng.nextOpenFloat())));
  return topKIndices(perturbed, count);
}

function swap(values: number[], i: number, j: number): void {
  const held = values[i];
  const other = values[j];
  if (held === undefined || other === undefined) {
    throw new RangeError(`swap index out of range: ${i}, ${j}`);
  }
  values[i] = other;
  values[j] = held;
}
