import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DifficultyBasedSelector } from '../../../../trainer/selectors/difficulty-based-selector.ts';
import { BotsOptionsSchema, type BotsOptions } from '../../../../trainer/selectors/selector-config.ts';
import type { DifficultySelectorState } from '../../../../trainer/selectors/selector-types.ts';

// Three tasks: weak reference f0 and strong reference f1 pass rates.
const WEAK = [0.2, 0.5, 0.0];
const STRONG = [0.6, 0.9, 0.4];
const TOLERANCE = 1e-9;

function build(options: Partial<BotsOptions>, seed = 42): DifficultyBasedSelector {
  return new DifficultyBasedSelector({
    taskCount: 3,
    seed,
    weakPassRates: WEAK,
    strongPassRates: STRONG,
    options: BotsOptionsSchema.parse({ lambda: 0.2, rho: 0.2, tau: 0, doSample: false, ...options }),
  });
}

function assertClose(actual: readonly number[], expected: readonly number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, index) => {
    const want = expected[index] ?? Number.NaN;
    assert.ok(Math.abs(value - want) < TOLERANCE, `[${index}] ${value} ≠ ${want}`);
  });
}

// Every observation is over a group of 4 rollouts, so it is worth 4 trials (n = 4 below).
const FOUR = (count: number) => Array.from({ length: count }, () => 4);

describe('BOTS update (group of 4, λ = 0.2, ρ = 0.2)', () => {
  it('first feedback: capability, α, β by hand', () => {
    const selector = build({});
    selector.feedback([0, 1], [0.5, 1.0], FOUR(2));
    const state = selector.state();
    // c = (mean p̂ − mean f0[R]) / (mean f1[R] − mean f0[R] + 1e-6)
    //   = (0.75 − 0.35) / (0.75 − 0.35 + 1e-6) = 0.4 / 0.400001 = 0.99999750000625; cap = c.
    const capability = 0.4 / 0.400001;
    assert.ok(Math.abs((state.capability ?? 0) - capability) < TOLERANCE);
    // p̃ = [0.5, 1.0 (observed), clip(0 + c·0.4) = 0.399999]; s̄ = [2, 4, 0]; f̄ = [2, 0, 0]
    // α0 = 0.8·1 + 0.2 + 0.8·2 + 0.2·4·0.5      = 3
    // β0 = 0.8·1 + 0.2 + 0.8·2 + 0.2·4·0.5      = 3
    // α1 = 0.8·1 + 0.2 + 0.8·4 + 0.2·4·1        = 5
    // β1 = 0.8·1 + 0.2 + 0     + 0.2·4·0        = 1
    // α2 = 0.8·1 + 0.2 + 0     + 0.2·4·0.399999 = 1.3199992
    // β2 = 0.8·1 + 0.2 + 0     + 0.2·4·0.600001 = 1.4800008
    const tilde2 = 0.4 * capability;
    assertClose(state.alphas, [3, 5, 1 + 0.8 * tilde2]);
    assertClose(state.betas, [3, 1, 1 + 0.8 * (1 - tilde2)]);
    assertClose([1 + 0.8 * tilde2], [1.3199992]);
    assert.equal(state.rho, 0.2);
  });

  it('tau = 0, do_sample = false: top-B of −|target − α/(α+β)|, best first', () => {
    // After the update p = [3/6, 5/6, 1.3199992/2.8] = [0.5, 0.8333, 0.4714].
    // target 0.5: scores [0, −0.3333, −0.0286] → top-2 [0, 2].
    const half = build({ targetReward: 0.5 });
    half.feedback([0, 1], [0.5, 1.0], FOUR(2));
    assert.deepEqual(half.next(2), [0, 2]);
    // target 0.8: scores [−0.3, −0.0333, −0.3286] → top-2 [1, 0].
    const high = build({ targetReward: 0.8 });
    high.feedback([0, 1], [0.5, 1.0], FOUR(2));
    assert.deepEqual(high.next(2), [1, 0]);
  });

  it('before any feedback every belief is Beta(1, 1): ties go to the lower index', () => {
    assert.deepEqual(build({ targetReward: 0.5 }).next(2), [0, 1]);
  });

  it('second feedback: capability EMA and adaptive ρ halving', () => {
    const selector = build({ adaptiveRho: true });
    selector.feedback([0, 1], [0.5, 1.0], FOUR(2));
    // First update: interpolation errors |0.599999 − 0.5| and |0.899999 − 1| average 0.1 < 0.25.
    assert.equal(selector.state().rho, 0.2);
    selector.feedback([2], [1.0], FOUR(1));
    const state = selector.state();
    // c2 = (1 − 0) / (0.4 − 0 + 1e-6) = 2.49999375; cap = 0.9·0.9999975 + 0.1·2.49999375 = 1.149997125
    const capability = 0.9 * (0.4 / 0.400001) + 0.1 * (1 / 0.400001);
    assert.ok(Math.abs((state.capability ?? 0) - capability) < TOLERANCE);
    assert.ok(Math.abs(capability - 1.149997125) < 1e-8);
    // p̃2 before overwrite = 0.4·cap = 0.45999885; |0.45999885 − 1| = 0.54 ≥ 0.25 → ρ = 0.1.
    assert.equal(state.rho, 0.1);
    // p̃ = [0.2 + 0.45999885, 0.5 + 0.45999885, 1] = [0.65999885, 0.95999885, 1]; s̄ = [0, 0, 4]
    // α0 = 0.8·3 + 0.2 + 0.1·4·0.65999885                  = 2.86399954
    // β0 = 0.8·3 + 0.2 + 0.1·4·0.34000115                  = 2.73600046
    // α1 = 0.8·5 + 0.2 + 0.1·4·0.95999885                  = 4.58399954
    // β1 = 0.8·1 + 0.2 + 0.1·4·0.04000115                  = 1.01600046
    // α2 = 0.8·1.3199992 + 0.2 + 0.9·4 + 0.1·4·1           = 5.25599936
    // β2 = 0.8·1.4800008 + 0.2                             = 1.38400064
    const shift = 0.4 * capability;
    assertClose(state.alphas, [
      2.6 + 0.4 * (0.2 + shift),
      4.2 + 0.4 * (0.5 + shift),
      0.8 * (1 + 0.8 * 0.4 * (0.4 / 0.400001)) + 0.2 + 3.6 + 0.4,
    ]);
    assertClose(state.betas, [
      2.6 + 0.4 * (0.8 - shift),
      1.0 + 0.4 * (0.5 - shift),
      0.8 * (1 + 0.8 * (1 - 0.4 * (0.4 / 0.400001))) + 0.2,
    ]);
    assert.ok(Math.abs((state.alphas[0] ?? 0) - 2.86399954) < 1e-7);
    assert.ok(Math.abs((state.alphas[2] ?? 0) - 5.25599936) < 1e-7);
    assert.ok(Math.abs((state.betas[2] ?? 0) - 1.38400064) < 1e-7);
    assert.equal(selector.metrics()['selector/capability'], state.capability);
  });

  it('a task fed back twice counts once, its trials pooled', () => {
    const repeated = build({});
    repeated.feedback([0, 1, 0], [0.25, 1.0, 0.75], FOUR(3));
    const single = build({});
    single.feedback([0, 1], [0.5, 1.0], [8, 4]);
    assert.deepEqual(repeated.state(), single.state());
  });

  it('an observation is worth the rollouts actually run, not a fixed constant', () => {
    // p̂ = 0.5 over n rollouts: α0 = 0.8 + 0.2 + 0.8·n·0.5 + 0.2·n·0.5 = 1 + n/2, β0 the same,
    // so the belief's pseudo-count α0 + β0 = 2 + n (Trinity's m = 16 would make it 18 for any n).
    for (const n of [2, 8]) {
      const selector = build({});
      selector.feedback([0, 1], [0.5, 0.5], [n, n]);
      const { alphas, betas } = selector.state();
      assertClose([(alphas[0] ?? 0) + (betas[0] ?? 0)], [2 + n]);
    }
  });

  it('empty feedback changes nothing; bad feedback is refused', () => {
    const selector = build({});
    selector.feedback([], [], FOUR(0));
    assert.equal(selector.state().capability, null);
    assert.throws(() => selector.feedback([3], [0.5], FOUR(1)), RangeError);
    assert.throws(() => selector.feedback([0], [-0.1], FOUR(1)), RangeError);
    assert.throws(() => selector.feedback([0], [0.5], [0]), /trial count 0/);
    assert.throws(() => selector.feedback([0], [0.5], [1.5]), /trial count 1.5/);
    assert.throws(() => selector.feedback([0, 1], [0.5, 0.5], [4]), RangeError);
  });

  it('defaults are the published BOTS run: target 0.5, Thompson sampling, τ = 0, λ = ρ = 0.1', () => {
    assert.deepEqual(BotsOptionsSchema.parse({}), { lambda: 0.1, rho: 0.1, adaptiveRho: false, targetReward: 0.5, tau: 0, doSample: true });
    assert.throws(() => BotsOptionsSchema.parse({ m: 16 }), /m/, 'the pseudo-count scale is the group size, not a setting');
  });

  it('refuses reference pass rates outside [0, 1]', () => {
    assert.throws(
      () =>
        new DifficultyBasedSelector({
          taskCount: 2,
          seed: 1,
          weakPassRates: [0, 1.2],
          strongPassRates: [0.5, 1],
          options: BotsOptionsSchema.parse({}),
        }),
      RangeError,
    );
  });
});

describe('BOTS sampling', () => {
  it('tau > 0 draws from softmax(score / tau): P(task 0) = 0.6386 for tau = 0.05', () => {
    // scores [0, −0.333333, −0.028572] / 0.05 = [0, −6.667, −0.571];
    // exp = [1, 0.00127, 0.56472], sum 1.56599 → P = [0.6386, 0.0008, 0.3606].
    const selector = build({ targetReward: 0.5, tau: 0.05 });
    selector.feedback([0, 1], [0.5, 1.0], FOUR(2));
    const trials = 4000;
    const counts = [0, 0, 0];
    for (let i = 0; i < trials; i += 1) {
      const [index] = selector.next(1);
      counts[index ?? 0] = (counts[index ?? 0] ?? 0) + 1;
    }
    // Standard error √(0.64·0.36/4000) ≈ 0.0076.
    assert.ok(Math.abs((counts[0] ?? 0) / trials - 0.6386) < 0.03, `counts ${counts}`);
    assert.ok((counts[1] ?? 0) / trials < 0.01, `counts ${counts}`);
    const batch = selector.next(3);
    assert.deepEqual([...batch].sort(), [0, 1, 2]);
  });

  it('do_sample: Thompson draws let an uncertain task beat a confident tie', () => {
    // Both beliefs have mean 0.5 (= target): without sampling task 0 always wins the tie. With
    // sampling, uniform task 1 wins when |U − 0.5| < |X0 − 0.5|, X0 ~ Beta(50, 50) (sd 0.05):
    // P ≈ 2·E|X0 − 0.5| = 2·0.05·√(2/π) ≈ 0.08.
    const saved: DifficultySelectorState = {
      type: 'difficulty_based',
      taskCount: 3,
      position: 0,
      alphas: [50, 1, 1],
      betas: [50, 1, 1000],
      capability: null,
      rho: 0.2,
    };
    const greedy = build({ targetReward: 0.5 });
    greedy.restore(saved);
    assert.deepEqual(greedy.next(1), [0]);
    const thompson = build({ targetReward: 0.5, doSample: true });
    thompson.restore(saved);
    let uncertainWins = 0;
    for (let i = 0; i < 2000; i += 1) {
      if (thompson.next(1)[0] === 1) uncertainWins += 1;
    }
    assert.ok(uncertainWins / 2000 > 0.04 && uncertainWins / 2000 < 0.13, `wins ${uncertainWins}`);
  });

  it('state round-trips: k batches with feedback, save, restore, identical next batches', () => {
    const run = (selector: DifficultyBasedSelector, steps: number): number[][] =>
      Array.from({ length: steps }, (_, step) => {
        const batch = selector.next(2);
        selector.feedback(batch, batch.map((index) => ((index + step) % 4) / 4), FOUR(batch.length));
        return batch;
      });
    for (const options of [{ doSample: true, tau: 0 }, { doSample: true, tau: 0.5 }]) {
      const original = build({ ...options, targetReward: 0.5, adaptiveRho: true }, 7);
      run(original, 3);
      const saved = JSON.parse(JSON.stringify(original.state())) as DifficultySelectorState;
      const resumed = build({ ...options, targetReward: 0.5, adaptiveRho: true }, 7);
      resumed.restore(saved);
      assert.deepEqual(resumed.state(), original.state());
      assert.deepEqual(run(resumed, 4), run(original, 4));
    }
  });

  it('refuses a state with the wrong number of beliefs or another type', () => {
    const selector = build({});
    const state = selector.state();
    assert.throws(() => selector.restore({ ...state, alphas: [1, 1] }), RangeError);
    assert.throws(() => selector.restore({ ...state, betas: [1, 0, 1] }), RangeError);
    assert.throws(() => selector.restore({ type: 'sequential', taskCount: 3, position: 0 }), RangeError);
  });
});
