import { z } from 'zod';

/** rollcall's own admin API bodies: camelCase, validated strictly (unknown keys fail). */

export const RolloutLimitsSchema = z.strictObject({
  maxCalls: z.number().int().positive().optional().describe('Most chat calls the rollout may make'),
  maxTotalTokens: z.number().int().positive().optional().describe('Budget over all calls: the sum of usage.total_tokens'),
  maxTokensPerTurn: z.number().int().positive().optional().describe('Cap on the completion tokens of each choice of one call; a longer answer ends with finish_reason "length"'),
  ttlMs: z.number().int().positive().optional().describe('Time to live from creation; the key is revoked after it'),
});

export const SamplingPolicySchema = z.strictObject({
  temperature: z.number().min(0).optional(),
  topP: z.number().gt(0).max(1).optional(),
  topK: z.number().int().optional(),
  minP: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
});

const metadataSchema = z.record(z.string(), z.unknown());

export const CreateRolloutBodySchema = z.strictObject({
  taskId: z.string().min(1).max(512).optional(),
  groupId: z.string().min(1).max(512).optional(),
  attempt: z.number().int().min(0).optional(),
  tag: z.string().min(1).max(256).optional(),
  trainable: z.boolean().optional(),
  engine: z.string().min(1).optional().describe('"policy" (default) or the name of an auxiliary engine'),
  limits: RolloutLimitsSchema.optional(),
  sampling: SamplingPolicySchema.optional(),
  metadata: metadataSchema.optional(),
});

export const FinishRolloutBodySchema = z.strictObject({
  reward: z.number().finite().optional(),
  isSuccess: z.boolean().optional(),
  metadata: metadataSchema.optional(),
});

export const FailRolloutBodySchema = z.strictObject({
  reason: z.string().min(1).max(10_000),
  metadata: metadataSchema.optional(),
});

export const ROLLOUT_STATUSES = ['open', 'finished', 'cancelled', 'expired', 'failed'] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];

export const ListRolloutsQuerySchema = z.strictObject({
  status: z.enum(ROLLOUT_STATUSES).optional(),
  taskId: z.string().optional(),
  groupId: z.string().optional(),
  since: z.coerce.number().int().min(0).optional().describe('Created at or after this time (ms since epoch)'),
  until: z.coerce.number().int().min(0).optional().describe('Created before this time (ms since epoch)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
});

export type RolloutLimits = z.infer<typeof RolloutLimitsSchema>;
export type SamplingPolicy = z.infer<typeof SamplingPolicySchema>;
export type CreateRolloutBody = z.infer<typeof CreateRolloutBodySchema>;
export type FinishRolloutBody = z.infer<typeof FinishRolloutBodySchema>;
export type FailRolloutBody = z.infer<typeof FailRolloutBodySchema>;
export type ListRolloutsQuery = z.infer<typeof ListRolloutsQuerySchema>;

/** `201` answer of `POST /admin/rollouts`. */
export type CreatedRollout = { rolloutId: string; apiKey: string; baseUrl: string };
