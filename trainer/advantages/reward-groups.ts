/**
 * Groups a batch's rollouts by `groupId` and lists each group's members under the chosen
 * weighting. Under `episode` weighting a rollout is one member even if it forked into several
 * samples, and a rollout with no samples (every call failed) still counts: it was an attempt at
 * the task and its reward belongs in the baseline. Under `sample` weighting each sample is a
 * member carrying its rollout's reward, and a rollout without samples contributes nothing.
 */
import type { AdvantageRolloutInput, AdvantageWeighting } from './advantage-types.ts';
import { isFlat } from './reward-stats.ts';

export interface RewardGroup {
  readonly groupId: string;
  /** Positions of the group's rollouts in the input batch. */
  readonly rolloutPositions: readonly number[];
  /** Rewards of the group's members (one per rollout or one per sample). */
  readonly memberRewards: readonly number[];
  readonly isSingleton: boolean;
  /** Two or more members whose rewards are all equal within the tolerance. */
  readonly isZeroVariance: boolean;
}

/** Groups in order of first appearance in the batch. */
export function groupRollouts(
  rollouts: readonly AdvantageRolloutInput[],
  weighting: AdvantageWeighting,
  zeroVarianceTolerance: number,
): RewardGroup[] {
  const byGroup = new Map<string, { positions: number[]; rewards: number[] }>();
  for (const [position, rollout] of rollouts.entries()) {
    const entry = byGroup.get(rollout.groupId) ?? { positions: [], rewards: [] };
    entry.positions.push(position);
    const memberCount = weighting === 'episode' ? 1 : rollout.samples.length;
    for (let member = 0; member < memberCount; member += 1) entry.rewards.push(rollout.reward);
    byGroup.set(rollout.groupId, entry);
  }
  return [...byGroup.entries()].map(([groupId, { positions, rewards }]) => ({
    groupId,
    rolloutPositions: positions,
    memberRewards: rewards,
    isSingleton: rewards.length === 1,
    isZeroVariance: rewards.length >= 2 && isFlat(rewards, zeroVarianceTolerance),
  }));
}
