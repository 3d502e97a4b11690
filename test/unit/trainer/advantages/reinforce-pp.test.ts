import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseAdvantageOptions } from '../../../../trainer/advantages/advantage-config.ts';
import { whitenOverTokens } from '../../../../trainer/advantages/batch-whitening.ts';
import { computeAdvantages } from '../../../../trainer/advantages/compute-advantages.ts';
import { assertNear, rollout } from './fixtures.ts';

// g1: r1 R=1 (2 trainable tokens), r2 R=0 (2 tokens); g2: r3 R=3 (1 token), r4 R=1 (mask [1, 0]).
const BATCH = [
  rollout('r1', 'g1', 1, [1, 1]),
  rollout('r2', 'g1', 0, [1, 1]),
  rollout('r3', 'g2', 3, [1]),
  rollout('r4', 'g2', 1, [1, 0]),
];

describe('REINFORCE++ (γ = 1, batch whitening over tokens)', () => {
  it('reinforce_pp: whitens the raw returns over all trainable tokens', () => {
    // Token returns: 1, 1, 0, 0, 3, 1 → n = 6, mean 6/6 = 1;
    // deviations 0, 0, −1, −1, 2, 0 → Σ² = 6, unbiased var 6/5 = 1.2.
    // A = (G − 1) / √(1.2 + 1e-8): r1 0, r2 −0.9128709, r3 1.8257419, r4 0.
    const scale = 1 / Math.sqrt(1.2 + 1e-8);
    const result = computeAdvantages(BATCH, parseAdvantageOptions({ estimator: 'reinforce_pp' }), 'token-mean');
    const advantages = result.samples.map((sample) => sample.advantage);
    [0, -scale, 2 * scale, 0].forEach((value, i) => assertNear(advantages[i], value));
    assert.ok(Math.abs(scale - 0.9128709) < 1e-6);
    assert.deepEqual(result.samples[3]?.tokenAdvantages, [0, 0]);
  });

  it('reinforce_pp_baseline: subtracts the group mean first, then whitens', () => {
    // Group means: g1 0.5, g2 2 → G: r1 0.5, r2 −0.5, r3 1, r4 −1.
    // Tokens: 0.5, 0.5, −0.5, −0.5, 1, −1 → mean 0; Σ² = 4·0.25 + 1 + 1 = 3; var 3/5 = 0.6.
    // A = G / √(0.6 + 1e-8): ±0.6454972, ±1.2909944.
    const scale = 1 / Math.sqrt(0.6 + 1e-8);
    const result = computeAdvantages(
      BATCH,
      parseAdvantageOptions({ estimator: 'reinforce_pp_baseline' }), 'token-mean',
    );
    const advantages = result.samples.map((sample) => sample.advantage);
    [0.5 * scale, -0.5 * scale, scale, -scale].forEach((value, i) => assertNear(advantages[i], value));
    assert.ok(Math.abs(scale - 1.2909944) < 1e-6);
    assert.deepEqual(result.samples[3]?.tokenAdvantages, [-scale, 0]);
  });

  it('a batch without trainable tokens gets zero advantages, not NaN', () => {
    assert.deepEqual(whitenOverTokens([{ value: 3, trainableTokens: 0 }]), [0]);
    assert.deepEqual(whitenOverTokens([{ value: 3, trainableTokens: 1 }]), [0]);
  });
});
