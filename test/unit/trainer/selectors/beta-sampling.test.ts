import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { sampleBeta, sampleGamma } from '../../../../trainer/selectors/beta-sampling.ts';
import { Prng } from '../../../../trainer/selectors/prng.ts';

const DRAWS = 20_000;

function moments(draw: () => number): { mean: number; variance: number } {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < DRAWS; i += 1) {
    const value = draw();
    sum += value;
    sumSquares += value * value;
  }
  const mean = sum / DRAWS;
  return { mean, variance: sumSquares / DRAWS - mean * mean };
}

describe('Marsaglia–Tsang gamma', () => {
  it('Gamma(2.5) has mean 2.5 and variance 2.5', () => {
    const prng = Prng.fromSeed(1);
    const { mean, variance } = moments(() => sampleGamma(prng, 2.5));
    // Standard error of the mean √(2.5/20000) ≈ 0.011.
    assert.ok(Math.abs(mean - 2.5) < 0.05, `mean ${mean}`);
    assert.ok(Math.abs(variance - 2.5) < 0.2, `variance ${variance}`);
  });

  it('Gamma(0.5) (boosted branch) has mean 0.5 and variance 0.5', () => {
    const prng = Prng.fromSeed(2);
    const { mean, variance } = moments(() => sampleGamma(prng, 0.5));
    assert.ok(Math.abs(mean - 0.5) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(variance - 0.5) < 0.06, `variance ${variance}`);
  });

  it('refuses a non-positive shape', () => {
    assert.throws(() => sampleGamma(Prng.fromSeed(1), 0), RangeError);
    assert.throws(() => sampleGamma(Prng.fromSeed(1), Number.NaN), RangeError);
  });
});

describe('beta', () => {
  it('Beta(2, 6) has mean 2/8 = 0.25 and variance 2·6/(8²·9) = 0.02083', () => {
    const prng = Prng.fromSeed(5);
    const { mean, variance } = moments(() => {
      const value = sampleBeta(prng, 2, 6);
      assert.ok(value >= 0 && value <= 1);
      return value;
    });
    assert.ok(Math.abs(mean - 0.25) < 0.006, `mean ${mean}`);
    assert.ok(Math.abs(variance - 0.020833) < 0.002, `variance ${variance}`);
  });

  it('is reproducible from the seed', () => {
    const first = Prng.fromSeed(9);
    const second = Prng.fromSeed(9);
    assert.equal(sampleBeta(first, 3, 1.5), sampleBeta(second, 3, 1.5));
  });
});
