import { z } from 'zod';
import { RolloutLimitsSchema, SamplingPolicySchema } from '../../src/wire/admin.ts';

/** The rollout section: how many attempts per task, how many at once, with what sampling and limits. */
export const RolloutConfigSchema = z.strictObject({
  groupSize: z.number().int().positive().default(4).describe('Rollouts per task (the GRPO group)'),
  concurrency: z.number().int().positive().default(16).describe('Rollouts running at once'),
  model: z.string().optional().describe('Model name given to workflows; default: the engine model'),
  sampling: SamplingPolicySchema.default({ temperature: 1, topP: 1 }),
  limits: RolloutLimitsSchema.default({ maxCalls: 32, maxTokensPerTurn: 1024, ttlMs: 900_000 }),
  maxFailureRate: z.number().min(0).max(1).default(0.5).describe('Stop the run when more than this share of a step\'s rollouts fail'),
  oversample: z
    .strictObject({
      enabled: z.boolean().default(false).describe('Run more rollouts per task and keep the most informative groupSize of them'),
      multiplier: z.number().min(1).default(1.5),
    })
    .prefault({}),
});

export type RolloutConfig = z.infer<typeof RolloutConfigSchema>;
