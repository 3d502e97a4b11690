import { z } from 'zod';
import { PublishConfigSchema } from './publish-config.ts';

export const LEARNER_TYPES = ['debug', 'worker'] as const;

/** Hyper-parameters sent with every training step (DESIGN §7); the worker documents each. */
export const LearnerHyperSchema = z.strictObject({
  lr: z.number().positive().default(1e-6),
  clipLow: z.number().min(0).default(0.2),
  clipHigh: z.number().min(0).default(0.28),
  tisCap: z.number().positive().default(2).describe('Truncated importance sampling cap for engine vs learner logprobs'),
  klCoef: z.number().min(0).default(0).describe('KL to the frozen reference; 0 = no reference model'),
  entropyCoef: z.number().min(0).default(0),
  microBatchSize: z.number().int().positive().default(4),
  gradClip: z.number().positive().default(1),
  ppoEpochs: z.number().int().positive().default(1),
  lossAgg: z.enum(['token-mean', 'seq-mean-token-mean', 'seq-mean-token-sum-norm']).default('token-mean'),
});

/** The learner section: debug (no training) or the GPU worker over HTTP, serving itself or publishing to engines. */
export const LearnerConfigSchema = z.strictObject({
  type: z.enum(LEARNER_TYPES).default('debug').describe('debug: rollouts, judging, samples and metrics only; worker: train on the GPU worker'),
  url: z.url().default('http://127.0.0.1:8000').describe('The worker (DESIGN §7)'),
  timeoutMs: z.number().int().positive().default(3_600_000),
  colocated: z.boolean().default(true).describe('The worker also serves generation: pause the proxy around each step and resume with the new policy version. false with publish'),
  publish: PublishConfigSchema.optional().describe('vLLM or SGLang serves generation: after each step (and once before the first rollout) the worker saves its weights and every engine loads them, while the proxy is paused'),
  hyper: LearnerHyperSchema.prefault({}),
});

export type LearnerConfig = z.infer<typeof LearnerConfigSchema>;
export type LearnerHyper = z.infer<typeof LearnerHyperSchema>;
