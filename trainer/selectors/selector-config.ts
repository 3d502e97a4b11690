/**
 * Configuration of a taskset's selector, meant to be embedded in the trainer's root config schema
 * (`tasks.selector`). Names follow Trinity-RFT's `DataSelectorConfig` and `DifficultyBasedSelector`
 * kwargs in camelCase (`lamb` → `lambda`, `target_reward` → `targetReward`, `do_sample` →
 * `doSample`). BOTS defaults are the settings of the paper's published run (arXiv 2510.26374,
 * Trinity-RFT `examples/bots/bots.yaml`), not Trinity's code defaults (target 1.0, τ 1, no
 * sampling, which serve the easiest tasks). Trinity's `m` is gone: an observation counts for the
 * rollouts actually run (bots-estimator.ts).
 */
import { z } from 'zod';

import { SELECTOR_TYPES } from './selector-types.ts';

/** BOTS (`difficulty_based`) parameters; the update they drive is stated in bots-estimator.ts. */
export const BotsOptionsSchema = z.strictObject({
  lambda: z.number().min(0).max(1).default(0.1).describe('Forgetting rate λ: pulls every belief towards Beta(1, 1) each update'),
  rho: z.number().min(0).max(1).default(0.1).describe('Weight ρ of the interpolated (implicit) evidence against the observed (explicit) one'),
  adaptiveRho: z.boolean().default(false).describe('Halve ρ whenever the interpolation misses observed pass rates by ≥ 0.25 on average'),
  targetReward: z.number().min(0).max(1).default(0.5).describe('Pass rate the selector aims for; 0.5 maximises GRPO\'s reward variance for binary rewards'),
  tau: z.number().nonnegative().default(0).describe('Softmax temperature over scores; 0 serves the best B scores'),
  doSample: z.boolean().default(true).describe('Thompson sampling: score a draw from each task\'s Beta belief instead of its mean'),
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
