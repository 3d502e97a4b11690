import { z } from 'zod';
import { ENGINE_LOGPROBS, LOSS_AGGREGATIONS, TIS_MODES } from '../../src/wire/learner.ts';
import { PublishConfigSchema } from './publish-config.ts';

export const LEARNER_TYPES = ['debug', 'worker'] as const;

/**
 * Hyper-parameters sent with every training step (`src/wire/learner.ts`; the worker's
 * `train_request.py` and `policy_loss.py` document each). `lossAgg` and `lossScaleFactor` are
 * resolved against the rest of the configuration before they are sent (learner-hyper.ts).
 */
export const LearnerHyperSchema = z.strictObject({
  lr: z.number().positive().default(1e-6),
  clipLow: z.number().min(0).default(0.2),
  clipHigh: z.number().min(0).default(0.28),
  tis: z
    .enum(TIS_MODES)
    .default('bypass')
    .describe(
      'bypass: the PPO ratio is taken against the engine\'s logprobs (the clip window is a trust region around what the engine sampled; a token whose learner/engine mismatch already lies outside it gets no gradient on its clipped side) and each token\'s loss is scaled by min(1, tisCap/ρ), ρ = π_learner/π_engine at the weights that sampled it, so its importance weight is min(ρ, tisCap). decoupled: the ratio is taken against the learner\'s own recomputation with those weights and each token\'s loss is multiplied by min(ρ, tisCap), detached (verl decoupled mode, TIS of verl PR #2953): for engines whose logprobs differ from the learner\'s',
    ),
  tisCap: z.number().positive().default(2).describe('Truncation cap C of the importance weight min(π_learner/π_engine, C) (see tis)'),
  engineLogprobs: z
    .enum(ENGINE_LOGPROBS)
    .default('full')
    .describe(
      'What the engine\'s logprobs are, so the learner scores the same distribution at each rollout\'s sampling settings. full: log-softmax of logits/temperature over the whole vocabulary (rollcall\'s worker; vLLM --logprobs-mode processed_logprobs with topP 1 and topK off). truncated: after top-k/top-p, renormalised over the kept tokens (vLLM processed_logprobs with topP < 1 or topK; the worker\'s --logprobs-mode processed): the learner applies each rollout\'s topK/topP too. vLLM\'s default raw_logprobs ignores the temperature: run vLLM with processed_logprobs. learner/logprob_diff_* measures what is left',
    ),
  klCoef: z.number().min(0).default(0).describe('KL to the frozen reference; 0 = no reference model'),
  entropyCoef: z.number().min(0).default(0),
  microBatchSize: z.number().int().positive().default(4),
  gradClip: z.number().positive().default(1),
  ppoEpochs: z.number().int().positive().default(1),
  lossAgg: z
    .enum(LOSS_AGGREGATIONS)
    .optional()
    .describe('How per-token losses are aggregated. Default: seq-mean-token-sum-norm with algorithm.estimator drgrpo (Dr. GRPO, which allows no other), token-mean otherwise'),
  lossScaleFactor: z
    .number()
    .int()
    .positive()
    .optional()
    .describe(
      'seq-mean-token-sum-norm divides each sequence\'s token sum by this constant number of tokens (Dr. GRPO\'s maximum response length, verl loss_scale_factor). Default: samples.maxResponseTokens, else rollout.limits.maxTokensPerTurn; set it to the longest response a multi-turn sample may train',
    ),
});

/** The learner section: debug (no training) or the GPU worker over HTTP, serving itself or publishing to engines. */
export const LearnerConfigSchema = z.strictObject({
  type: z.enum(LEARNER_TYPES).default('debug').describe('debug: rollouts, judging, samples and metrics only; worker: train on the GPU worker'),
  url: z.url().default('http://127.0.0.1:8000').describe('URL of the GPU worker (trainer/worker/)'),
  timeoutMs: z.number().int().positive().default(3_600_000),
  colocated: z.boolean().default(true).describe('The worker also serves generation: pause the proxy around each step and resume with the new policy version. false with publish'),
  publish: PublishConfigSchema.optional().describe('vLLM or SGLang serves generation: after each step (and once before the first rollout) the worker saves its weights and every engine loads them, while the proxy is paused'),
  hyper: LearnerHyperSchema.prefault({}),
});

export type LearnerConfig = z.infer<typeof LearnerConfigSchema>;
export type LearnerHyper = z.infer<typeof LearnerHyperSchema>;
