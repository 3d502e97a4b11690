/**
 * Per-group outcome advantages: GRPO (arXiv 2402.03300), Dr. GRPO (arXiv 2503.20783), RLOO
 * (arXiv 2402.14740), REINFORCE++-baseline (arXiv 2501.03262), as verl's
 * `verl/trainer/ppo/core_algos.py` computes them. Given the rewards of a group's
 * members, each estimator returns the map reward → advantage; every member with the same reward
 * gets the same advantage, so callers can apply it per rollout whatever counts as a member.
 *
 * Singleton groups follow verl: GRPO uses mean 0 and std 1 (A = R / (1 + ε)); Dr. GRPO, RLOO and
 * REINFORCE++-baseline use baseline 0 (A = R).
 */
import type { AdvantageEstimator } from './advantage-types.ts';
import { mean, unbiasedStd } from './reward-stats.ts';

export type RewardToAdvantage = (reward: number) => number;

export function groupAdvantage(
  estimator: AdvantageEstimator,
  memberRewards: readonly number[],
  epsilon: number,
): RewardToAdvantage {
  const count = memberRewards.length;
  const isSingleton = count < 2;
  const groupMean = isSingleton ? 0 : mean(memberRewards);
  switch (estimator) {
    case 'grpo': {
      const std = isSingleton ? 1 : unbiasedStd(memberRewards);
      return (reward) => (reward - groupMean) / (std + epsilon);
    }
    case 'drgrpo':
    case 'reinforce_pp_baseline':
      // REINFORCE++-baseline subtracts the group mean here; batch whitening follows.
      return (reward) => reward - groupMean;
    case 'rloo':
      // n/(n−1)·(R − mean) = R − mean of the other members.
      if (isSingleton) return (reward) => reward;
      return (reward) => (count / (count - 1)) * (reward - groupMean);
    case 'reinforce_pp':
      // No group baseline: the return itself, whitened over the batch afterwards.
      return (reward) => reward;
  }
}
