import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseAdvantageOptions } from '../../../../trainer/advantages/advantage-config.ts';
import { computeAdvantages } from '../../../../trainer/advantages/compute-advantages.ts';
import { assertNear, rollout } from './fixtures.ts';

// Rollout a (reward 1) forked into two samples; rollout b (reward 0) has one.
const FORKED = [rollout('a', 'g', 1, [1, 1], [0, 1]), rollout('b', 'g', 0, [1])];

describe('episode vs sample weighting', () => {
  it('episode (default) under a per-sequence loss: the forked rollout counts once; its samples weigh 1/2 each', () => {
    // Members [1, 0]: mean 0.5, std √0.5 = 0.70710678 → A = ±0.5 / (0.70710678 + 1e-6).
    const result = computeAdvantages(FORKED, parseAdvantageOptions({ estimator: 'grpo' }), 'seq-mean-token-mean');
    const a = 0.5 / (Math.sqrt(0.5) + 1e-6);
    assert.deepEqual(
      result.samples.map((s) => [s.sampleId, s.lossWeight]),
      [['a.0', 0.5], ['a.1', 0.5], ['b.0', 1]],
    );
    [a, a, -a].forEach((value, i) => assertNear(result.samples[i]?.advantage, value));
    assert.deepEqual(result.samples[1]?.tokenAdvantages, [0, result.samples[1]?.advantage]);
    // Loss-weighted moments: (0.5·a + 0.5·a − a) / 2 = 0; std = a.
    assertNear(result.metrics['adv/mean'], 0);
    assertNear(result.metrics['adv/std'], a);
  });

  it('episode under token-mean: every token counts once, so a fork does not shrink its tokens', () => {
    // Same group statistics (the rollout is one member), but a token-mean loss already counts
    // each token once: 1/2 would make a's tokens weigh half of b's.
    const result = computeAdvantages(FORKED, parseAdvantageOptions({ estimator: 'grpo' }), 'token-mean');
    const a = 0.5 / (Math.sqrt(0.5) + 1e-6);
    assert.deepEqual(result.samples.map((s) => s.lossWeight), [1, 1, 1]);
    [a, a, -a].forEach((value, i) => assertNear(result.samples[i]?.advantage, value));
    const drgrpo = computeAdvantages(FORKED, parseAdvantageOptions({ estimator: 'drgrpo' }), 'seq-mean-token-sum-norm');
    assert.deepEqual(drgrpo.samples.map((s) => s.lossWeight), [0.5, 0.5, 1], 'Dr. GRPO sums per sequence: 1/N keeps the episode one unit');
  });

  it('sample: every sample is a member with weight 1 (AgentJet behaviour)', () => {
    // Members [1, 1, 0]: mean 2/3; deviations 1/3, 1/3, −2/3 → Σ² = 6/9; std √(3/9) = 0.57735027.
    // A(a) = (1/3) / (0.57735027 + 1e-6), A(b) = −(2/3) / (0.57735027 + 1e-6).
    const result = computeAdvantages(
      FORKED,
      parseAdvantageOptions({ estimator: 'grpo', weighting: 'sample' }),
      'seq-mean-token-mean',
    );
    const std = Math.sqrt(1 / 3) + 1e-6;
    assert.deepEqual(result.samples.map((s) => s.lossWeight), [1, 1, 1]);
    [1 / 3 / std, 1 / 3 / std, -2 / 3 / std].forEach((value, i) =>
      assertNear(result.samples[i]?.advantage, value),
    );
  });

  it('episode: a rollout without samples still counts in its group baseline', () => {
    // Episode members [1, 0, 0] (r2 produced no samples): mean 1/3, std √(1/3).
    // r1: (2/3)/(0.57735027 + 1e-6) = 1.1547; r3: −(1/3)/(0.57735027 + 1e-6) = −0.57735.
    const batch = [rollout('r1', 'g', 1, [1]), rollout('r2', 'g', 0), rollout('r3', 'g', 0, [1])];
    const std = Math.sqrt(1 / 3) + 1e-6;
    const episode = computeAdvantages(batch, parseAdvantageOptions({ estimator: 'grpo' }), 'token-mean');
    assertNear(episode.samples[0]?.advantage, 2 / 3 / std);
    assertNear(episode.samples[1]?.advantage, -1 / 3 / std);
    // Sample weighting: members [1, 0] only → ±0.5 / (√0.5 + 1e-6).
    const sample = computeAdvantages(
      batch,
      parseAdvantageOptions({ estimator: 'grpo', weighting: 'sample' }),
      'token-mean',
    );
    assertNear(sample.samples[0]?.advantage, 0.5 / (Math.sqrt(0.5) + 1e-6));
  });
});
