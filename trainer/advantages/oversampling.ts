/**
 * Oversampling (dynamic sampling) helper, after AgentJet's `enable_oversample`: launch more
 * rollouts per task than the group needs, then keep the subset that carries the most signal.
 *
 * Policy:
 * - Launch `ceil(groupSize × multiplier)` rollouts per task (`oversampledGroupSize`; AgentJet's
 *   default multiplier is 1.5).
 * - A group whose rewards are all equal (within `tolerance`, a group of one included) gives a
 *   group-relative estimator no signal: it is discarded whole and reported, so the caller can
 *   backfill with another task (DAPO's dynamic sampling; AgentJet discards and backfills too).
 * - A group with spread but at most `groupSize` rollouts is kept whole; if it has fewer than
 *   `groupSize` it is reported as short (AgentJet duplicated rollouts to fill it; duplicating
 *   would double-count an episode in the baseline, so we do not).
 * - A larger group keeps `groupSize` rollouts chosen greedily for reward spread: first the lowest
 *   and the highest reward (earliest on ties), then repeatedly the rollout that maximises the
 *   variance of the chosen set (earliest on ties). With binary rewards this keeps the classes as
 *   balanced as the group allows. Kept rollouts stay in input order.
 */
import { isFlat, populationVariance } from './reward-stats.ts';

export interface OversampleCandidate {
  readonly groupId: string;
  readonly reward: number;
}

export interface OversampleOptions {
  /** Rollouts per group the estimator should see (≥ 2). */
  readonly groupSize: number;
  /** Rewards within this range count as equal. */
  readonly tolerance?: number;
}

export interface OversampleResult<T> {
  /** Kept rollouts, in input order. */
  readonly selected: readonly T[];
  /** Rollouts not kept (surplus and discarded groups), in input order. */
  readonly unselected: readonly T[];
  /** Groups left out because every reward was equal. */
  readonly discardedGroupIds: readonly string[];
  /** Kept groups with fewer than `groupSize` rollouts. */
  readonly shortGroupIds: readonly string[];
  readonly metrics: Readonly<Record<string, number>>;
}

export function oversampledGroupSize(groupSize: number, multiplier: number): number {
  if (!Number.isInteger(groupSize) || groupSize < 1 || !(multiplier >= 1)) {
    throw new RangeError(`need an integer groupSize ≥ 1 and a multiplier ≥ 1`);
  }
  return Math.ceil(groupSize * multiplier);
}

export function selectMaxSpread<T extends OversampleCandidate>(
  candidates: readonly T[],
  options: OversampleOptions,
): OversampleResult<T> {
  const { groupSize } = options;
  const tolerance = options.tolerance ?? 1e-9;
  if (!Number.isInteger(groupSize) || groupSize < 2) {
    throw new RangeError(`groupSize must be an integer ≥ 2 to have a spread, got ${groupSize}`);
  }
  const groups = new Map<string, number[]>();
  for (const [position, candidate] of candidates.entries()) {
    if (!Number.isFinite(candidate.reward)) {
      throw new RangeError(
        `candidate ${position} of group ${candidate.groupId} has reward ${candidate.reward}`,
      );
    }
    groups.set(candidate.groupId, [...(groups.get(candidate.groupId) ?? []), position]);
  }
  const keep = new Set<number>();
  const discardedGroupIds: string[] = [];
  const shortGroupIds: string[] = [];
  for (const [groupId, positions] of groups) {
    const rewards = positions.map((position) => candidates[position]?.reward ?? 0);
    if (isFlat(rewards, tolerance) || positions.length < 2) {
      discardedGroupIds.push(groupId);
      continue;
    }
    if (positions.length < groupSize) shortGroupIds.push(groupId);
    for (const chosen of greedyMaxVariance(rewards, groupSize)) keep.add(positions[chosen] ?? -1);
  }
  const selected = candidates.filter((_, position) => keep.has(position));
  const unselected = candidates.filter((_, position) => !keep.has(position));
  return {
    selected,
    unselected,
    discardedGroupIds,
    shortGroupIds,
    metrics: {
      'oversample/groups': groups.size,
      'oversample/kept_groups': groups.size - discardedGroupIds.length,
      'oversample/discarded_groups': discardedGroupIds.length,
      'oversample/short_groups': shortGroupIds.length,
      'oversample/unselected_rollouts': unselected.length,
    },
  };
}

/** Positions (ascending) of up to `size` rewards chosen greedily for maximal variance. */
export function greedyMaxVariance(rewards: readonly number[], size: number): number[] {
  if (rewards.length <= size) return rewards.map((_, position) => position);
  const lowest = rewards.indexOf(Math.min(...rewards));
  const highest = rewards.indexOf(Math.max(...rewards));
  const chosen = lowest === highest ? [lowest] : [lowest, highest];
  while (chosen.length < size) {
    let best = -1;
    let bestVariance = -1;
    for (const [position, reward] of rewards.entries()) {
      if (chosen.includes(position)) continue;
      const variance = populationVariance([...chosen.map((p) => rewards[p] ?? 0), reward]);
      // Strictly greater: the earliest candidate wins a tie.
      if (variance > bestVariance) {
        best = position;
        bestVariance = variance;
      }
    }
    chosen.push(best);
  }
  return chosen.sort((a, b) => a - b);
}
