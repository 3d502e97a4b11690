/**
 * Parsing of a saved selector state (read back from a checkpoint's JSON). The selectors' own
 * `restore` checks that the state matches their type and taskset; this schema checks that the
 * file holds a well-formed state at all, naming the offending path when it does not.
 */
import { z } from 'zod';

import type { SelectorState } from './selector-types.ts';

const countSchema = z.number().int().nonnegative();

const PositionStateSchema = z.strictObject({
  type: z.enum(['sequential', 'shuffle', 'random', 'offline_easy2hard']),
  taskCount: countSchema.min(1),
  position: countSchema,
});

const DifficultyStateSchema = z
  .strictObject({
    type: z.literal('difficulty_based'),
    taskCount: countSchema.min(1),
    position: countSchema,
    alphas: z.array(z.number().positive()),
    betas: z.array(z.number().positive()),
    capability: z.number().nullable(),
    rho: z.number().min(0).max(1),
  })
  .superRefine((state, context) => {
    for (const key of ['alphas', 'betas'] as const) {
      if (state[key].length !== state.taskCount) {
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `expected ${state.taskCount} beliefs, got ${state[key].length}`,
        });
      }
    }
  });

export const SelectorStateSchema = z.discriminatedUnion('type', [
  PositionStateSchema,
  DifficultyStateSchema,
]);

/** Validates a state read from disk; throws a ZodError naming the bad path. */
export function parseSelectorState(value: unknown): SelectorState {
  return SelectorStateSchema.parse(value);
}
