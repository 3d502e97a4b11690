/**
 * The advantage stage: judged rollouts → per-sample advantages, per-token advantages and loss
 * weights, plus zero-variance accounting and metrics.
 *
 * Policy, in order:
 * 1. Validate the batch (unique ids, finite rewards, 0/1 loss masks).
 * 2. Group rollouts by `groupId`; members are rollouts (`episode`) or samples (`sample`).
 * 3. A group of two or more members with equal rewards is zero-variance: counted always, left out
 *    of the output when `dropZeroVariance` is on. Singleton groups are never dropped: their
 *    variance is undefined, not zero, and verl trains them with mean 0 (and std 1 for GRPO).
 * 4. Each kept rollout gets its group estimator's advantage for its reward; REINFORCE++ variants
 *    then whiten over all trainable tokens of the kept samples.
 * 5. Every sample of a rollout shares the rollout's advantage; its tokens carry it where the loss
 *    mask is 1. Its loss weight keeps `episode` weighting neutral under the learner's loss
 *    aggregation: where each sequence counts as one unit (`seq-mean-*`), a rollout forked into N
 *    samples would count N times, so each of them weighs 1/N; under `token-mean` every token
 *    counts once whatever sample holds it (a fork's samples share no trained token with
 *    `sharedPrefix: train-once`), so the weight is 1 — 1/N there would make each token of a
 *    forking episode count 1/N as much as a token of an episode that did not fork.
 *
 * @example
 * const options = parseAdvantageOptions({ estimator: 'grpo' });
 * for (const sample of computeAdvantages(rollouts, options, 'token-mean').samples) {
 *   send(sample.sampleId, sample.tokenAdvantages, sample.lossWeight);
 * }
 */
import type { LossAggregation } from '../../src/wire/learner.ts';
import type { AdvantageOptions } from './advantage-config.ts';
import { advantageMetrics } from './advantage-metrics.ts';
import type {
  AdvantageResult,
  AdvantageRolloutInput,
  AdvantageSampleInput,
  SampleAdvantage,
} from './advantage-types.ts';
import { whitenOverTokens } from './batch-whitening.ts';
import { groupAdvantage } from './group-baselines.ts';
import { groupRollouts, type RewardGroup } from './reward-groups.ts';
import { assertRollouts, countTrainable } from './rollout-checks.ts';

interface KeptSample {
  readonly rollout: AdvantageRolloutInput;
  readonly sample: AdvantageSampleInput;
  readonly trainableTokens: number;
}

export function computeAdvantages(
  rollouts: readonly AdvantageRolloutInput[],
  options: AdvantageOptions,
  aggregation: LossAggregation,
): AdvantageResult {
  assertRollouts(rollouts);
  const groups = groupRollouts(rollouts, options.weighting, options.zeroVarianceTolerance);
  const zeroVarianceGroupIds = groups.filter((g) => g.isZeroVariance).map((g) => g.groupId);
  const droppedGroupIds = options.dropZeroVariance ? zeroVarianceGroupIds : [];
  const dropped = new Set(droppedGroupIds);
  const kept = keptSamples(rollouts, dropped);
  const byRollout = rolloutAdvantages(rollouts, groups, dropped, options);
  const advantages = sampleAdvantages(kept, byRollout, options);
  const perSequenceUnits = aggregation !== 'token-mean';

  const samples: SampleAdvantage[] = kept.map((entry, i) => {
    const advantage = advantages[i] ?? 0;
    return {
      sampleId: entry.sample.sampleId,
      rolloutId: entry.rollout.rolloutId,
      groupId: entry.rollout.groupId,
      advantage,
      // An explicit 0, not advantage·0: a negative advantage would give −0 on masked tokens.
      tokenAdvantages: entry.sample.lossMask.map((mask) => (mask === 1 ? advantage : 0)),
      lossWeight: perSequenceUnits && options.weighting === 'episode' ? 1 / entry.rollout.samples.length : 1,
    };
  });
  const metrics = advantageMetrics({
    groups,
    droppedGroups: droppedGroupIds.length,
    rolloutCount: rollouts.length,
    samples,
    trainableTokens: kept.reduce((sum, entry) => sum + entry.trainableTokens, 0),
  });
  return {
    samples,
    zeroVarianceGroups: zeroVarianceGroupIds.length,
    zeroVarianceGroupIds,
    droppedGroupIds,
    metrics,
  };
}

/** Pre-whitening advantage of every rollout of a kept group, by rollout id. */
function rolloutAdvantages(
  rollouts: readonly AdvantageRolloutInput[],
  groups: readonly RewardGroup[],
  dropped: ReadonlySet<string>,
  options: AdvantageOptions,
): Map<string, number> {
  const byRollout = new Map<string, number>();
  for (const group of groups) {
    if (dropped.has(group.groupId)) continue;
    const toAdvantage = groupAdvantage(options.estimator, group.memberRewards, options.epsilon);
    for (const position of group.rolloutPositions) {
      const rollout = rollouts[position];
      if (rollout === undefined) continue;
      byRollout.set(rollout.rolloutId, toAdvantage(rollout.reward));
    }
  }
  return byRollout;
}

function keptSamples(
  rollouts: readonly AdvantageRolloutInput[],
  dropped: ReadonlySet<string>,
): KeptSample[] {
  return rollouts
    .filter((rollout) => !dropped.has(rollout.groupId))
    .flatMap((rollout) =>
      rollout.samples.map((sample) => ({
        rollout,
        sample,
        trainableTokens: countTrainable(sample.lossMask),
      })),
    );
}

/** Each sample's scalar advantage; REINFORCE++ variants whiten over the kept tokens. */
function sampleAdvantages(
  kept: readonly KeptSample[],
  byRollout: ReadonlyMap<string, number>,
  options: AdvantageOptions,
): number[] {
  const perSample = kept.map((entry) => byRollout.get(entry.rollout.rolloutId) ?? 0);
  const isReinforce =
    options.estimator === 'reinforce_pp' || options.estimator === 'reinforce_pp_baseline';
  if (!isReinforce) return perSample;
  return whitenOverTokens(
    kept.map((entry, i) => ({ value: perSample[i] ?? 0, trainableTokens: entry.trainableTokens })),
  );
}
