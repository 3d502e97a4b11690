/**
 * Metrics of one advantage computation, for the run log. Advantage moments are weighted by each
 * sample's loss weight, so under `episode` weighting a forked rollout counts once, as it does in
 * the loss.
 */
import type { SampleAdvantage } from './advantage-types.ts';
import type { RewardGroup } from './reward-groups.ts';
import { weightedMoments } from './reward-stats.ts';

export interface MetricsInput {
  readonly groups: readonly RewardGroup[];
  readonly droppedGroups: number;
  readonly rolloutCount: number;
  readonly samples: readonly SampleAdvantage[];
  /** Tokens with loss mask 1 over the kept samples. */
  readonly trainableTokens: number;
}

export function advantageMetrics(input: MetricsInput): Record<string, number> {
  const { groups, samples } = input;
  const advantages = samples.map((sample) => sample.advantage);
  const weights = samples.map((sample) => sample.lossWeight);
  const moments = weightedMoments(advantages, weights);
  const zeroVariance = groups.filter((group) => group.isZeroVariance).length;
  return {
    'adv/mean': moments.mean,
    'adv/std': moments.std,
    // reduce, not Math.min(...): a large batch would exceed the engine's argument limit.
    'adv/min': advantages.length > 0 ? advantages.reduce((a, b) => Math.min(a, b)) : 0,
    'adv/max': advantages.length > 0 ? advantages.reduce((a, b) => Math.max(a, b)) : 0,
    'adv/groups': groups.length,
    'adv/singleton_groups': groups.filter((group) => group.isSingleton).length,
    'adv/zero_variance_groups': zeroVariance,
    'adv/zero_variance_ratio': groups.length > 0 ? zeroVariance / groups.length : 0,
    'adv/dropped_groups': input.droppedGroups,
    'adv/rollouts': input.rolloutCount,
    'adv/samples': samples.length,
    'adv/trainable_tokens': input.trainableTokens,
  };
}
