import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseAdvantageOptions } from '../../../../trainer/advantages/advantage-config.ts';
import type { AdvantageEstimator } from '../../../../trainer/advantages/advantage-types.ts';
import { computeAdvantages } from '../../../../trainer/advantages/compute-advantages.ts';
import { assertNear, rollout } from './fixtures.ts';

// g1: rewards [1, 0, 1, 0]; g2: rewards [1, 2, 6]; g3: a single rollout with reward 0.7.
const BATCH = [
  rollout('a', 'g1', 1, [0, 1, 1, 0]),
  rollout('b', 'g1', 0, [1, 1]),
  rollout('c', 'g1', 1, [1]),
  rollout('d', 'g1', 0, [1]),
  rollout('e', 'g2', 1, [1]),
  rollout('f', 'g2', 2, [1]),
  rollout('g', 'g2', 6, [1]),
  rollout('h', 'g3', 0.7, [1]),
];

function advantagesOf(estimator: AdvantageEstimator): number[] {
  const result = computeAdvantages(BATCH, parseAdvantageOptions({ estimator }), 'token-mean');
  return result.samples.map((sample) => sample.advantage);
}

function assertAllNear(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((value, i) => assertNear(actual[i], value, `sample ${i}:`));
}

describe('group estimators (hand-computed)', () => {
  it('grpo: (R − mean) / (unbiased std + 1e-6); singleton uses mean 0, std 1', () => {
    // g1: mean 0.5, std √((4·0.25)/3) = √(1/3) = 0.5773502691896258
    // g2: mean 3, deviations −2, −1, 3, std √(14/2) = √7 = 2.6457513110645907
    // g3: 0.7 / (1 + 1e-6)
    const s1 = Math.sqrt(1 / 3) + 1e-6;
    const s2 = Math.sqrt(7) + 1e-6;
    assertAllNear(advantagesOf('grpo'), [
      0.5 / s1, -0.5 / s1, 0.5 / s1, -0.5 / s1,
      -2 / s2, -1 / s2, 3 / s2,
      0.7 / (1 + 1e-6),
    ]);
    // Spot values: 0.5 / 0.57735127 = 0.86602390, 3 / 2.64575231 = 1.13389286.
    assertNear(Math.round((0.5 / s1) * 1e8) / 1e8, 0.8660239);
  });

  it('drgrpo: R − mean, no std; singleton baseline 0', () => {
    assertAllNear(advantagesOf('drgrpo'), [0.5, -0.5, 0.5, -0.5, -2, -1, 3, 0.7]);
  });

  it('rloo: n/(n−1)·(R − mean) = R − mean of the others; singleton A = R', () => {
    // g1: 4/3·(±0.5) = ±2/3 (1 − mean(0, 1, 0) = 2/3).
    // g2: 3/2·[−2, −1, 3] = [−3, −1.5, 4.5] (1 − mean(2, 6) = −3; 6 − mean(1, 2) = 4.5).
    assertAllNear(advantagesOf('rloo'), [2 / 3, -2 / 3, 2 / 3, -2 / 3, -3, -1.5, 4.5, 0.7]);
  });

  it('broadcasts the advantage onto tokens with loss mask 1, exact zeros elsewhere', () => {
    const result = computeAdvantages(BATCH, parseAdvantageOptions({ estimator: 'drgrpo' }), 'token-mean');
    assert.deepEqual(result.samples[0]?.tokenAdvantages, [0, 0.5, 0.5, 0]);
    assert.deepEqual(result.samples[1]?.tokenAdvantages, [-0.5, -0.5]);
    // No −0 on masked tokens of a negative advantage.
    const negative = computeAdvantages(
      [rollout('x', 'g', 0, [1, 0]), rollout('y', 'g', 1, [1])],
      parseAdvantageOptions({ estimator: 'drgrpo' }), 'token-mean',
    );
    assert.ok(Object.is(negative.samples[0]?.tokenAdvantages[1], 0));
  });

  it('reports counts and moments as metrics', () => {
    const { metrics } = computeAdvantages(BATCH, parseAdvantageOptions({ estimator: 'drgrpo' }), 'token-mean');
    // Advantages [0.5, −0.5, 0.5, −0.5, −2, −1, 3, 0.7]: sum 0.7, mean 0.0875.
    assertNear(metrics['adv/mean'], 0.0875);
    assert.equal(metrics['adv/min'], -2);
    assert.equal(metrics['adv/max'], 3);
    assert.equal(metrics['adv/groups'], 3);
    assert.equal(metrics['adv/singleton_groups'], 1);
    assert.equal(metrics['adv/zero_variance_groups'], 0);
    assert.equal(metrics['adv/samples'], 8);
    assert.equal(metrics['adv/rollouts'], 8);
    // Trainable tokens: 2 + 2 + 1·6 = 10.
    assert.equal(metrics['adv/trainable_tokens'], 10);
  });
});
