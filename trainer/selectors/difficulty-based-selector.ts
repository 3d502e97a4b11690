/**
 * `difficulty_based` (BOTS, arXiv 2510.26374): serves the tasks whose predicted pass rate is
 * closest to `targetReward`, learning from the judged pass rates fed back after each batch. The
 * defaults are the published run's (Trinity-RFT `examples/bots/bots.yaml`): target 0.5, Thompson
 * sampling, τ = 0, λ = ρ = 0.1.
 *
 * Selection per batch, with a generator seeded by `seed + i` (i = read position), as Trinity does:
 *   p_i     = α_i / (α_i + β_i), or with `doSample` a Thompson draw p_i ~ Beta(α_i, β_i)
 *   score_i = −|targetReward − p_i|
 *   tau = 0 : the B best scores (ties → lower index)
 *   tau > 0 : B draws without replacement from softmax(score / tau)
 * Unlike Trinity (whose state_dict saves only the position), the state carries the beliefs,
 * capability and ρ, so a resumed run keeps what it learned and serves the identical next batches.
 */
import { sampleBeta } from './beta-sampling.ts';
import { BotsEstimator } from './bots-estimator.ts';
import { Prng } from './prng.ts';
import { sampleSoftmaxWithoutReplacement, topKIndices } from './prng-draws.ts';
import type { BotsOptions } from './selector-config.ts';
import {
  assertBatchSize,
  assertFeatureColumn,
  assertRestorable,
  assertSeed,
  assertTaskCount,
  normalizeFeedback,
} from './selector-checks.ts';
import type { DifficultySelectorState, SelectorState, TaskSelector } from './selector-types.ts';

export interface DifficultyBasedSelectorInit {
  readonly taskCount: number;
  readonly seed: number;
  /** Offline pass rate of the weaker reference model per task (f0), in [0, 1]. */
  readonly weakPassRates: readonly number[];
  /** Offline pass rate of the stronger reference model per task (f1), in [0, 1]. */
  readonly strongPassRates: readonly number[];
  readonly options: BotsOptions;
}

export class DifficultyBasedSelector implements TaskSelector {
  readonly type = 'difficulty_based' as const;
  readonly taskCount: number;
  private readonly seed: number;
  private readonly options: BotsOptions;
  private readonly estimator: BotsEstimator;
  private position = 0;
  private lastBatchMean = Number.NaN;

  constructor(init: DifficultyBasedSelectorInit) {
    assertTaskCount(init.taskCount);
    assertSeed(init.seed);
    const weak = assertPassRates('weakPassRates', init.weakPassRates, init.taskCount);
    const strong = assertPassRates('strongPassRates', init.strongPassRates, init.taskCount);
    this.taskCount = init.taskCount;
    this.seed = init.seed;
    this.options = init.options;
    this.estimator = new BotsEstimator(weak, strong, init.options);
  }

  next(batchSize: number): number[] {
    assertBatchSize(batchSize, this.taskCount);
    const prng = Prng.fromSeed(this.seed + this.position);
    const { alphas, betas } = this.estimator.beliefs();
    const predicted = this.options.doSample
      ? alphas.map((alpha, index) => sampleBeta(prng, alpha, betas[index] ?? 1))
      : this.estimator.means();
    const scores = predicted.map((passRate) => -Math.abs(this.options.targetReward - passRate));
    const batch =
      this.options.tau === 0
        ? topKIndices(scores, batchSize)
        : sampleSoftmaxWithoutReplacement(
            prng,
            scores.map((score) => score / this.options.tau),
            batchSize,
          );
    this.position += batchSize;
    const means = this.estimator.means();
    this.lastBatchMean = batch.reduce((sum, index) => sum + (means[index] ?? 0), 0) / batchSize;
    return batch;
  }

  feedback(indices: readonly number[], passRates: readonly number[], trials: readonly number[]): void {
    this.estimator.update(normalizeFeedback(indices, passRates, trials, this.taskCount));
  }

  state(): DifficultySelectorState {
    return {
      type: this.type,
      taskCount: this.taskCount,
      position: this.position,
      ...this.estimator.beliefs(),
    };
  }

  restore(state: SelectorState): void {
    const restored = assertRestorable(state, this.type, this.taskCount);
    const isBelief = (value: number): boolean => Number.isFinite(value) && value > 0;
    const isValid =
      restored.alphas.length === this.taskCount &&
      restored.betas.length === this.taskCount &&
      restored.alphas.every(isBelief) &&
      restored.betas.every(isBelief) &&
      restored.rho >= 0 &&
      restored.rho <= 1 &&
      (restored.capability === null || Number.isFinite(restored.capability));
    if (!isValid) {
      throw new RangeError(`selector state must hold ${this.taskCount} positive Beta beliefs`);
    }
    this.estimator.load(restored);
    this.position = restored.position;
  }

  metrics(): Record<string, number> {
    const { capability, rho } = this.estimator.beliefs();
    const metrics: Record<string, number> = {
      'selector/position': this.position,
      'selector/rho': rho,
    };
    if (capability !== null) metrics['selector/capability'] = capability;
    // Posterior mean of the last batch, taken when it was served: shows whether the selector
    // tracks the target pass rate.
    if (!Number.isNaN(this.lastBatchMean)) {
      metrics['selector/batch_predicted_pass_rate'] = this.lastBatchMean;
    }
    return metrics;
  }
}

function assertPassRates(name: string, values: readonly number[], taskCount: number): number[] {
  assertFeatureColumn(name, values, taskCount);
  const badIndex = values.findIndex((value) => value < 0 || value > 1);
  if (badIndex >= 0) {
    throw new RangeError(
      `${name} must be pass rates in [0, 1]; task ${badIndex} has ${values[badIndex]}`,
    );
  }
  return [...values];
}
