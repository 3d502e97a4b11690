/**
 * Gamma and Beta variates for Thompson sampling in the BOTS selector.
 *
 * Gamma uses Marsaglia & Tsang (2000), "A simple method for generating gamma variables": exact
 * rejection sampling with about 1.03 normals per draw for shape ≥ 1, and the boost
 * `Gamma(a) = Gamma(a + 1) · U^(1/a)` for shape < 1. BOTS beliefs start at 1 and the update only
 * adds non-negative evidence to `(1−λ)·α + λ`, so they stay ≥ 1; the boost keeps the sampler total
 * for restored or hand-made states. Beta is `X / (X + Y)` with X ~ Gamma(α), Y ~ Gamma(β).
 */
import type { Prng } from './prng.ts';

/** One draw from Gamma(shape, scale = 1). */
export function sampleGamma(prng: Prng, shape: number): number {
  if (!(shape > 0) || !Number.isFinite(shape)) {
    throw new RangeError(`gamma shape must be a finite positive number, got ${shape}`);
  }
  if (shape < 1) {
    const boosted = sampleGamma(prng, shape + 1);
    return boosted * Math.pow(prng.nextOpenFloat(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = prng.nextNormal();
    const base = 1 + c * x;
    if (base <= 0) continue;
    const v = base * base * base;
    const u = prng.nextOpenFloat();
    const xSquared = x * x;
    // Cheap squeeze first; the log test is needed only in about 2% of draws.
    if (u < 1 - 0.0331 * xSquared * xSquared) return d * v;
    if (Math.log(u) < 0.5 * xSquared + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One draw from Beta(alpha, beta). */
export function sampleBeta(prng: Prng, alpha: number, beta: number): number {
  const x = sampleGamma(prng, alpha);
  const y = sampleGamma(prng, beta);
  const total = x + y;
  // Both gammas underflow to 0 only for shapes far below anything BOTS produces (≥ 1);
  // fall back to the mean instead of returning NaN.
  if (total === 0) return alpha / (alpha + beta);
  return x / total;
}
