/**
 * Options of the advantage stage, meant to be embedded in the trainer's `algorithm` config
 * section. Parsed once; defaults follow verl (GRPO, ε = 1e-6) except the weighting, which defaults
 * to `episode` so an agent that forks its context is not over-weighted.
 */
import { z } from 'zod';

import { ADVANTAGE_ESTIMATORS, ADVANTAGE_WEIGHTINGS } from './advantage-types.ts';

export const AdvantageOptionsSchema = z.strictObject({
  estimator: z.enum(ADVANTAGE_ESTIMATORS).default('grpo'),
  weighting: z.enum(ADVANTAGE_WEIGHTINGS).default('episode'),
  /** GRPO's `(R − mean) / (std + epsilon)`. */
  epsilon: z.number().positive().default(1e-6),
  /** Leave zero-variance groups out of the batch (DAPO dynamic sampling, Trinity std_threshold). */
  dropZeroVariance: z.boolean().default(false),
  /** Rewards within this range (max − min) count as equal: judges emit floats. */
  zeroVarianceTolerance: z.number().nonnegative().default(1e-9),
});
export type AdvantageOptions = z.infer<typeof AdvantageOptionsSchema>;
export type AdvantageOptionsInput = z.input<typeof AdvantageOptionsSchema>;

/** Parses and freezes options; throws a ZodError naming the offending key. */
export function parseAdvantageOptions(input: AdvantageOptionsInput = {}): AdvantageOptions {
  return Object.freeze(AdvantageOptionsSchema.parse(input));
}
