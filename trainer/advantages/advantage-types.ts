/**
 * Inputs and outputs of the advantage stage: judged rollouts (each with its recorded samples and
 * their loss masks) in, one scalar advantage, per-token advantages and an explicit loss weight per
 * sample out.
 */

/** Estimators, named after verl's `adv_estimator` values (`reinforce_plus_plus*` shortened). */
export const ADVANTAGE_ESTIMATORS = [
  'grpo',
  'drgrpo',
  'rloo',
  'reinforce_pp',
  'reinforce_pp_baseline',
] as const;
export type AdvantageEstimator = (typeof ADVANTAGE_ESTIMATORS)[number];

/**
 * What counts as one member of a group's statistics when a rollout forked into several samples:
 * - `episode`: the rollout counts once; under a per-sequence loss aggregation (`seq-mean-*`) each
 *   of its N samples gets loss weight 1/N, under `token-mean` each of its tokens counts once.
 * - `sample`: every sample counts as its own member with loss weight 1 (AgentJet's default, which
 *   over-weights episodes that fork: rllm#512, AgentJet `advantage_estimation_episode_level`).
 */
export const ADVANTAGE_WEIGHTINGS = ['episode', 'sample'] as const;
export type AdvantageWeighting = (typeof ADVANTAGE_WEIGHTINGS)[number];

export interface AdvantageSampleInput {
  readonly sampleId: string;
  /** 1 = model-generated token that enters the loss, 0 = prompt, tool or user token. */
  readonly lossMask: readonly number[];
}

export interface AdvantageRolloutInput {
  readonly rolloutId: string;
  /** The GRPO group: rollouts of the same task in the same step. */
  readonly groupId: string;
  /** Scalar outcome reward from the judge. */
  readonly reward: number;
  readonly samples: readonly AdvantageSampleInput[];
}

export interface SampleAdvantage {
  readonly sampleId: string;
  readonly rolloutId: string;
  readonly groupId: string;
  /** Scalar advantage shared by every trainable token of the sample. */
  readonly advantage: number;
  /** `advantage` where the loss mask is 1, exactly 0 elsewhere; same length as the mask. */
  readonly tokenAdvantages: number[];
  /**
   * Multiplier for this sample's per-token loss before aggregation: 1/N for each of a rollout's N
   * samples under `episode` weighting with a `seq-mean-*` aggregation, else 1.
   */
  readonly lossWeight: number;
}

export interface AdvantageResult {
  /** Samples of kept groups, in input order (rollouts, then samples within a rollout). */
  readonly samples: readonly SampleAdvantage[];
  /** Groups of two or more members whose rewards are all equal: no learning signal. */
  readonly zeroVarianceGroups: number;
  readonly zeroVarianceGroupIds: readonly string[];
  /** Zero-variance groups left out because `dropZeroVariance` is on. */
  readonly droppedGroupIds: readonly string[];
  /** Flat metrics, keys prefixed `adv/`. */
  readonly metrics: Readonly<Record<string, number>>;
}
