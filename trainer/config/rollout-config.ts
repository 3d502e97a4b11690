import { z } from 'zod';
import { RolloutLimitsSchema, SamplingPolicySchema } from '../../src/wire/admin.ts';

/**
 * The sampling of training rollouts. The proxy applies the rollout's policy over whatever the
 * agent asks, and the learner scores each sample at these settings, so temperature and top-p are
 * always pinned (a value the agent chose would be unknown to the learner).
 */
const TrainingSamplingSchema = SamplingPolicySchema.extend({
  temperature: z.number().min(0).default(1).describe('Sampling temperature of every call; the learner divides its logits by it'),
  topP: z.number().gt(0).max(1).default(1).describe('Top-p of every call; the learner applies it when learner.hyper.engineLogprobs is truncated'),
  topK: z.number().int().optional().describe('Top-k of every call (≤ 0 = off); set it when agents send top_k and the engine\'s logprobs are truncated, so the learner knows it'),
});

/** The rollout section: how many attempts per task, how many at once, with what sampling and limits. */
export const RolloutConfigSchema = z.strictObject({
  groupSize: z.number().int().positive().default(4).describe('Rollouts per task (the GRPO group)'),
  concurrency: z.number().int().positive().default(16).describe('Rollouts running at once'),
  model: z.string().optional().describe('Model name given to workflows; default: the engine model'),
  sampling: TrainingSamplingSchema.prefault({}),
  limits: RolloutLimitsSchema.default({ maxCalls: 32, maxTokensPerTurn: 1024, ttlMs: 900_000 }),
  failureReward: z
    .number()
    .default(0)
    .describe(
      'Reward of a rollout that failed through the policy\'s own doing — it used up limits.maxCalls or maxTotalTokens, its time to live or workflow.timeoutMs ran out, or the agent could not go on from a malformed or cut-off answer. It stays in its group and trains (rollouts/policy_failure_rate). Keep it at or below judge.rewards.wrong',
    ),
  maxFailureRate: z
    .number()
    .min(0)
    .max(1)
    .default(0.5)
    .describe('Stop the run when more than this share of a step\'s rollouts fail through the infrastructure (engine or proxy errors, a workflow that breaks without the policy\'s doing, a failing judge: rollouts/infra_failure_rate); such rollouts are left out of training'),
  oversample: z
    .strictObject({
      enabled: z
        .boolean()
        .default(false)
        .describe('DAPO dynamic sampling: run ceil(schedule.tasksPerStep × multiplier) tasks per step, drop each group whose rewards are all equal, and train the first tasksPerStep remaining groups whole (oversample/* metrics report the rest)'),
      multiplier: z.number().min(1).default(1.5).describe('Tasks run per task trained when oversampling'),
    })
    .prefault({}),
});

export type RolloutConfig = z.infer<typeof RolloutConfigSchema>;
