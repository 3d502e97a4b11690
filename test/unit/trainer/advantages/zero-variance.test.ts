import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseAdvantageOptions } from '../../../../trainer/advantages/advantage-config.ts';
import { computeAdvantages } from '../../../../trainer/advantages/compute-advantages.ts';
import { assertNear, rollout } from './fixtures.ts';

// g-flat: all rewards 1; g-mixed: rewards 1 and 0; g-single: one rollout.
const BATCH = [
  rollout('a', 'g-flat', 1, [1]),
  rollout('b', 'g-mixed', 1, [1, 1]),
  rollout('c', 'g-flat', 1, [1]),
  rollout('d', 'g-mixed', 0, [1]),
  rollout('e', 'g-flat', 1, [1]),
  rollout('f', 'g-single', 1, [1]),
];

describe('zero-variance groups', () => {
  it('are counted and get advantage 0 when kept', () => {
    const result = computeAdvantages(BATCH, parseAdvantageOptions({}), 'token-mean');
    assert.equal(result.zeroVarianceGroups, 1);
    assert.deepEqual(result.zeroVarianceGroupIds, ['g-flat']);
    assert.deepEqual(result.droppedGroupIds, []);
    assert.deepEqual(
      result.samples.filter((s) => s.groupId === 'g-flat').map((s) => s.advantage),
      [0, 0, 0],
    );
    assert.equal(result.metrics['adv/zero_variance_groups'], 1);
    assertNear(result.metrics['adv/zero_variance_ratio'], 1 / 3);
  });

  it('are left out with dropZeroVariance; singletons are not zero-variance and stay', () => {
    const result = computeAdvantages(BATCH, parseAdvantageOptions({ dropZeroVariance: true }), 'token-mean');
    assert.deepEqual(result.droppedGroupIds, ['g-flat']);
    assert.deepEqual(result.samples.map((s) => s.rolloutId), ['b', 'd', 'f']);
    assert.equal(result.metrics['adv/dropped_groups'], 1);
    assert.equal(result.metrics['adv/singleton_groups'], 1);
    assert.equal(result.metrics['adv/samples'], 3);
  });

  it('treats rewards equal up to float noise as equal', () => {
    // 0.1 + 0.2 = 0.30000000000000004: within the default 1e-9 tolerance of 0.3.
    const batch = [rollout('a', 'g', 0.3, [1]), rollout('b', 'g', 0.1 + 0.2, [1])];
    assert.equal(computeAdvantages(batch, parseAdvantageOptions({}), 'token-mean').zeroVarianceGroups, 1);
    const strict = parseAdvantageOptions({ zeroVarianceTolerance: 0 });
    assert.equal(computeAdvantages(batch, strict, 'token-mean').zeroVarianceGroups, 0);
  });
});

describe('input validation', () => {
  it('refuses duplicate ids, non-finite rewards and non-binary masks', () => {
    const options = parseAdvantageOptions({});
    assert.throws(
      () => computeAdvantages([rollout('a', 'g', 1, [1]), rollout('a', 'g', 0, [1])], options, 'token-mean'),
      /rollout a appears twice/,
    );
    assert.throws(() => computeAdvantages([rollout('a', 'g', Number.NaN, [1])], options, 'token-mean'), /non-finite/);
    assert.throws(() => computeAdvantages([rollout('a', 'g', 1, [1, 2])], options, 'token-mean'), /at token 1/);
    assert.throws(
      () =>
        computeAdvantages(
          [{ rolloutId: 'a', groupId: 'g', reward: 1, samples: [{ sampleId: 's', lossMask: [1] }, { sampleId: 's', lossMask: [1] }] }],
          options, 'token-mean',
        ),
      /sample s appears twice in rollout a/,
    );
    // Two proxies (proxy.urls) number their calls alike: the same sample id in two rollouts is two samples.
    const twoProxies = computeAdvantages(
      [{ rolloutId: 'a', groupId: 'g', reward: 1, samples: [{ sampleId: '1', lossMask: [1] }] }, { rolloutId: 'b', groupId: 'g', reward: 0, samples: [{ sampleId: '1', lossMask: [1] }] }],
      options, 'token-mean',
    );
    assert.deepEqual(twoProxies.samples.map((s) => [s.rolloutId, s.sampleId, s.advantage > 0]), [['a', '1', true], ['b', '1', false]]);
  });

  it('parses options strictly with documented defaults', () => {
    assert.deepEqual(parseAdvantageOptions(), {
      estimator: 'grpo',
      weighting: 'episode',
      epsilon: 1e-6,
      dropZeroVariance: false,
      zeroVarianceTolerance: 1e-9,
    });
    assert.ok(Object.isFrozen(parseAdvantageOptions()));
    assert.throws(() => parseAdvantageOptions({ estimator: 'ppo' as 'grpo' }));
    assert.throws(() => parseAdvantageOptions({ gamma: 0.9 } as object));
  });

  it('an empty batch yields no samples and zero metrics', () => {
    const result = computeAdvantages([], parseAdvantageOptions({}), 'token-mean');
    assert.deepEqual(result.samples, []);
    assert.equal(result.metrics['adv/mean'], 0);
    assert.equal(result.metrics['adv/groups'], 0);
  });
});
