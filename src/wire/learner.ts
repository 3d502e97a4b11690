/**
 * The learner's contract (trainer/worker/README.md): what the trainer sends to `POST /train/step`
 * of the worker (`trainer/worker/rollcall_worker/train_request.py` validates the same shapes) or
 * any learner speaking it. Arrays are per token of `tokens`.
 */

/**
 * The sampling settings a sample's tokens were drawn with, so the learner scores each token under
 * the distribution the engine's logprob describes. Per sample, since every rollout has its own
 * sampling policy. `topK` ≤ 0 is off; the learner applies `topP`/`topK` only when told the
 * engine's logprobs are truncated (`engineLogprobs: truncated`).
 *
 * @example
 * const sampling: SampleSampling = { temperature: 0.7, topP: 1, topK: 0 };
 */
export type SampleSampling = { temperature: number; topP: number; topK: number };

/**
 * One training sample.
 *
 * @example
 * const sample: TrainSample = {
 *   tokens: [1, 2, 3, 4], promptLength: 2, lossMask: [0, 0, 1, 1], logprobs: [0, 0, -0.2, -1.1],
 *   advantages: [0, 0, 0.5, 0.5], sampling: { temperature: 0.7, topP: 1, topK: 0 },
 * };
 */
export type TrainSample = {
  tokens: number[];
  promptLength: number;
  lossMask: number[];
  /** Engine logprobs (the behaviour policy); 0 where the mask is 0. */
  logprobs: number[];
  /** Per-token advantages, already multiplied by the sample's loss weight; 0 where the mask is 0. */
  advantages: number[];
  sampling: SampleSampling;
};

/** How per-token losses become one number (verl `loss_agg_mode`, `agg_loss` in `verl/trainer/ppo/core_algos.py`). */
export const LOSS_AGGREGATIONS = ['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum-norm'] as const;
export type LossAggregation = (typeof LOSS_AGGREGATIONS)[number];

/** Where the PPO ratio is anchored and how the engine/learner mismatch is weighted (worker `policy_loss.py`). */
export const TIS_MODES = ['bypass', 'decoupled'] as const;
export type TisMode = (typeof TIS_MODES)[number];

/** What the engine's logprobs are: of the whole temperature-scaled distribution, or after top-k/top-p. */
export const ENGINE_LOGPROBS = ['full', 'truncated'] as const;
export type EngineLogprobs = (typeof ENGINE_LOGPROBS)[number];
