/**
 * Configuration of a taskset's selector, meant to be embedded in the trainer's root config schema
 * (`tasks.train.selector`). Defaults follow Trinity-RFT's code defaults (`DataSelectorConfig` and
 * `DifficultyBasedSelector` kwargs), so a config ported from Trinity behaves the same; names are
 * camelCase (`lamb` → `lambda`, `target_reward` → `targetReward`, `do_sample` → `doSample`).
 */
import { z } from 'zod';

import { SELECTOR_TYPES } from './selector-types.ts';

/** BOTS (`difficulty_based`) parameters; see rl-algorithms.md §4.4. */
export const BotsOptionsSchema = z.strictObject({
  /** Pseudo-count scale: rollouts per task that one pass-rate observation is worth. */
  m: z.number().int().positive().default(16),
  /** Forgetting rate λ: pulls every belief towards Beta(1, 1) each update. */
  lambda: z.number().min(0).max(1).default(0.2),
  /** Weight ρ of the interpolated (implicit) evidence against the observed (explicit) one. */
  rho: z.number().min(0).max(1).default(0.2),
  /** Halve ρ whenever the interpolation misses observed pass rates by ≥ 0.25 on average. */
  adaptiveRho: z.boolean().default(false),
  /** Pass rate the selector aims for; 0.5 maximises GRPO's reward variance for binary rewards. */
  targetReward: z.number().min(0).max(1).default(1.0),
  /** Softmax temperature over scores; 0 selects the top-B deterministically. */
  tau: z.number().nonnegative().default(1.0),
  /** Thompson sampling: score a Beta draw instead of the posterior mean. */
  doSample: z.boolean().default(false),
});
export type BotsOptions = z.infer<typeof BotsOptionsSchema>;

export const SelectorConfigSchema = z
  .strictObject({
    type: z.enum(SELECTOR_TYPES).default('sequential'),
    seed: z.number().int().default(42),
    /**
     * Feature columns of the taskset: one (easiness, higher = easier) for `offline_easy2hard`;
     * exactly two for `difficulty_based`: the weak then the strong reference model's pass rate.
     */
    featureKeys: z.array(z.string().min(1)).default([]),
    bots: BotsOptionsSchema.prefault({}),
  })
  .superRefine((config, context) => {
    const needed =
      config.type === 'difficulty_based' ? 2 : config.type === 'offline_easy2hard' ? 1 : 0;
    if (needed > 0 && config.featureKeys.length !== needed) {
      context.addIssue({
        code: 'custom',
        path: ['featureKeys'],
        message:
          `selector "${config.type}" needs exactly ${needed} feature key(s), ` +
          `got ${config.featureKeys.length}`,
      });
    }
  });
export type SelectorConfig = z.infer<typeof SelectorConfigSchema>;
export type SelectorConfigInput = z.input<typeof SelectorConfigSchema>;
