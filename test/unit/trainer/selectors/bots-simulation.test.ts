import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createSelector } from '../../../../trainer/selectors/create-selector.ts';
import type { SelectorConfigInput } from '../../../../trainer/selectors/selector-config.ts';
import { Prng } from '../../../../trainer/selectors/prng.ts';

/**
 * A seeded world of 200 tasks with known pass rates, uniform in [0, 1]. Each step a selector
 * serves 8 tasks, each runs a group of 8 Bernoulli rollouts, and the observed pass rates (over 8
 * trials) are fed back, as the trainer does. The reference columns BOTS needs are a weaker model
 * (true rate − 0.3) and a stronger one (+ 0.2), each off by up to ±0.1.
 */
const TASKS = 200;
const BATCH = 8;
const GROUP = 8;
const STEPS = 40;

const world = Prng.fromSeed(7);
const TRUTH = Array.from({ length: TASKS }, () => world.nextFloat());
const clip = (value: number) => Math.min(1, Math.max(0, value));
const WEAK = TRUTH.map((p) => clip(p - 0.3 + 0.2 * (world.nextFloat() - 0.5)));
const STRONG = TRUTH.map((p) => clip(p + 0.2 + 0.2 * (world.nextFloat() - 0.5)));

/** The true pass rates of every task served over the run. */
function simulate(config: SelectorConfigInput): number[] {
  const selector = createSelector({ config, taskCount: TASKS, features: { weak: WEAK, strong: STRONG } });
  const rollouts = Prng.fromSeed(11);
  const served: number[] = [];
  for (let step = 0; step < STEPS; step += 1) {
    const batch = selector.next(BATCH);
    const passRates = batch.map((task) => {
      let successes = 0;
      for (let k = 0; k < GROUP; k += 1) if (rollouts.nextFloat() < (TRUTH[task] ?? 0)) successes += 1;
      return successes / GROUP;
    });
    selector.feedback(batch, passRates, batch.map(() => GROUP));
    served.push(...batch.map((task) => TRUTH[task] ?? 0));
  }
  return served;
}

const nearTarget = (served: readonly number[]) => served.filter((p) => Math.abs(p - 0.5) <= 0.2).length / served.length;

describe('BOTS against random selection in a simulation with known pass rates', () => {
  const random = nearTarget(simulate({ type: 'random', seed: 1 }));
  const bots = nearTarget(simulate({ type: 'difficulty_based', seed: 1, featureKeys: ['weak', 'strong'] }));

  it('with its defaults BOTS serves tasks near the 0.5 target far more often than random does', () => {
    // Measured: 0.656 of BOTS's 320 picks have a true pass rate in [0.3, 0.7], against 0.413 of
    // random's (the band holds 0.4 of the tasks).
    assert.ok(bots >= 0.6, `BOTS near-target share ${bots}`);
    assert.ok(random <= 0.45, `random near-target share ${random}`);
    assert.ok(bots >= 1.5 * random, `BOTS ${bots} vs random ${random}`);
  });

  it('the former defaults (target 1.0, softmax τ = 1 over posterior means) did no better than random', () => {
    const former = nearTarget(simulate({ type: 'difficulty_based', seed: 1, featureKeys: ['weak', 'strong'], bots: { targetReward: 1, tau: 1, doSample: false } }));
    assert.ok(former < 1.5 * random, `former defaults ${former} vs random ${random}`);
  });
});
