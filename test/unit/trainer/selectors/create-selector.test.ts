import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createSelector } from '../../../../trainer/selectors/create-selector.ts';
import { SelectorConfigSchema } from '../../../../trainer/selectors/selector-config.ts';
import { parseSelectorState } from '../../../../trainer/selectors/selector-state.ts';
import { SELECTOR_TYPES } from '../../../../trainer/selectors/selector-types.ts';

const FEATURES = {
  weak: [0.1, 0.4, 0.0, 0.7, 0.3, 0.2],
  strong: [0.5, 0.9, 0.2, 1.0, 0.8, 0.6],
};

function featureKeysFor(type: string): string[] {
  if (type === 'difficulty_based') return ['weak', 'strong'];
  if (type === 'offline_easy2hard') return ['strong'];
  return [];
}

describe('createSelector', () => {
  it('defaults to sequential with seed 42 and the published BOTS settings', () => {
    const config = SelectorConfigSchema.parse({});
    assert.equal(config.type, 'sequential');
    assert.equal(config.seed, 42);
    assert.deepEqual(config.bots, {
      lambda: 0.1,
      rho: 0.1,
      adaptiveRho: false,
      targetReward: 0.5,
      tau: 0,
      doSample: true,
    });
    assert.deepEqual(createSelector({ config: {}, taskCount: 4 }).next(4), [0, 1, 2, 3]);
  });

  it('builds offline_easy2hard from the named feature column', () => {
    // strong: 0.5, 0.9, 0.2, 1.0, 0.8, 0.6 → descending: task3, task1, task4, task5, task0, task2
    const selector = createSelector({
      config: { type: 'offline_easy2hard', featureKeys: ['strong'] },
      taskCount: 6,
      features: FEATURES,
    });
    assert.deepEqual(selector.next(6), [3, 1, 4, 5, 0, 2]);
  });

  it('refuses configs with the wrong number of feature keys, naming the path', () => {
    const result = SelectorConfigSchema.safeParse({ type: 'difficulty_based', featureKeys: ['a'] });
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues[0]?.path, ['featureKeys']);
    assert.equal(SelectorConfigSchema.safeParse({ type: 'sequential', extra: 1 }).success, false);
    assert.equal(SelectorConfigSchema.safeParse({ bots: { lamb: 0.1 } }).success, false);
  });

  it('refuses a missing or short feature column', () => {
    const config = { type: 'difficulty_based' as const, featureKeys: ['weak', 'missing'] };
    assert.throws(() => createSelector({ config, taskCount: 6, features: FEATURES }), /missing/);
    assert.throws(
      () => createSelector({ config: { ...config, featureKeys: ['weak', 'strong'] }, taskCount: 7, features: FEATURES }),
      /has 6 values for 7 tasks/,
    );
  });

  for (const type of SELECTOR_TYPES) {
    it(`${type}: state survives JSON + parseSelectorState and the resumed run matches`, () => {
      const build = () =>
        createSelector({
          config: { type, seed: 3, featureKeys: featureKeysFor(type), bots: { tau: 0.3, doSample: true } },
          taskCount: 6,
          features: FEATURES,
        });
      const original = build();
      for (let k = 0; k < 3; k += 1) {
        const batch = original.next(4);
        original.feedback(batch, batch.map((index) => (index % 3) / 2), batch.map(() => 4));
      }
      const resumed = build();
      resumed.restore(parseSelectorState(JSON.parse(JSON.stringify(original.state()))));
      for (let k = 0; k < 4; k += 1) {
        const expected = original.next(4);
        assert.deepEqual(resumed.next(4), expected);
        const rates = expected.map((index) => (index % 2) / 1);
        original.feedback(expected, rates, expected.map(() => 4));
        resumed.feedback(expected, rates, expected.map(() => 4));
      }
    });
  }
});

describe('parseSelectorState', () => {
  it('names the offending path of a malformed state', () => {
    assert.throws(
      () =>
        parseSelectorState({
          type: 'difficulty_based',
          taskCount: 2,
          position: 0,
          alphas: [1],
          betas: [1, 1],
          capability: null,
          rho: 0.2,
        }),
      (error: unknown) => error instanceof Error && error.message.includes('alphas'),
    );
    assert.throws(() => parseSelectorState({ type: 'sequential', taskCount: 2, position: -1 }));
    assert.throws(() => parseSelectorState({ type: 'unknown', taskCount: 2, position: 0 }));
  });
});
