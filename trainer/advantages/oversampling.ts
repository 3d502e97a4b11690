/**
 * Oversampling as DAPO's dynamic sampling does it (arXiv 2503.14476; verl-recipe `filter_groups`):
 * run more tasks than a step trains, drop every group whose rewards are
 * all equal, and train on whole groups.
 *
 * Policy:
 * - A step runs `ceil(tasksPerStep × multiplier)` tasks (`oversampledTaskCount`), each with the
 *   full group.
 * - A group whose rewards are all equal (within `tolerance`; a group left with one member counts
 *   as equal) gives a group-relative estimator no signal and is dropped whole.
 * - The first `groupCount` remaining groups, in the order the tasks were served, are kept whole;
 *   later ones are surplus (DAPO trims its batch to the train batch size the same way). Keeping a
 *   subset of a group — say its most spread-out rewards — would bias the group's baseline and
 *   inflate its variance, so members are never picked within a group.
 * - Fewer remaining groups than `groupCount` train as they are; the shortfall is reported
 *   (`oversample/missing_groups`) rather than filled by running more rollouts.
 */
import { isFlat } from './reward-stats.ts';

export interface OversampleCandidate {
  readonly groupId: string;
  readonly reward: number;
}

export interface GroupFilterOptions {
  /** Groups the step trains (`schedule.tasksPerStep`). */
  readonly groupCount: number;
  /** Rewards within this range count as equal. */
  readonly tolerance?: number;
}

export interface GroupFilterResult<T> {
  /** Rollouts of the kept groups, in input order. */
  readonly kept: readonly T[];
  /** Groups left out because every reward was equal. */
  readonly flatGroupIds: readonly string[];
  /** Groups with signal beyond the first `groupCount`. */
  readonly surplusGroupIds: readonly string[];
  readonly metrics: Readonly<Record<string, number>>;
}

export function oversampledTaskCount(tasksPerStep: number, multiplier: number): number {
  if (!Number.isInteger(tasksPerStep) || tasksPerStep < 1 || !(multiplier >= 1)) {
    throw new RangeError('need an integer tasksPerStep ≥ 1 and a multiplier ≥ 1');
  }
  return Math.ceil(tasksPerStep * multiplier);
}

export function filterGroups<T extends OversampleCandidate>(candidates: readonly T[], options: GroupFilterOptions): GroupFilterResult<T> {
  const { groupCount } = options;
  const tolerance = options.tolerance ?? 1e-9;
  if (!Number.isInteger(groupCount) || groupCount < 1) throw new RangeError(`groupCount must be an integer ≥ 1, got ${groupCount}`);
  const rewards = new Map<string, number[]>();
  for (const [position, candidate] of candidates.entries()) {
    if (!Number.isFinite(candidate.reward)) {
      throw new RangeError(`candidate ${position} of group ${candidate.groupId} has reward ${candidate.reward}`);
    }
    rewards.set(candidate.groupId, [...(rewards.get(candidate.groupId) ?? []), candidate.reward]);
  }
  const flatGroupIds: string[] = [];
  const informative: string[] = [];
  for (const [groupId, values] of rewards) {
    if (values.length < 2 || isFlat(values, tolerance)) flatGroupIds.push(groupId);
    else informative.push(groupId);
  }
  const keptIds = new Set(informative.slice(0, groupCount));
  const surplusGroupIds = informative.slice(groupCount);
  return {
    kept: candidates.filter((candidate) => keptIds.has(candidate.groupId)),
    flatGroupIds,
    surplusGroupIds,
    metrics: {
      'oversample/groups': rewards.size,
      'oversample/kept_groups': keptIds.size,
      'oversample/flat_groups': flatGroupIds.length,
      'oversample/surplus_groups': surplusGroupIds.length,
      'oversample/missing_groups': groupCount - keptIds.size,
    },
  };
}
