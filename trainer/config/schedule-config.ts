import { z } from 'zod';

/** The schedule section: how long to train, when to validate and checkpoint. */
export const ScheduleConfigSchema = z.strictObject({
  steps: z.number().int().positive().optional().describe('Training steps; default: one epoch over the train tasks'),
  epochs: z.number().int().positive().optional().describe('Used when steps is not set'),
  maxMinutes: z.number().positive().optional().describe('Wall-time budget: the step that ends after this many minutes is the last (validated and checkpointed like the last step)'),
  tasksPerStep: z.number().int().positive().default(4).describe('Tasks per step; each runs groupSize rollouts'),
  evalEvery: z.number().int().min(0).default(0).describe('Validate every N steps (0 = never during training)'),
  evalBeforeTrain: z.boolean().default(false),
  evalTasks: z.number().int().min(0).default(0).describe('Validation tasks per run of validation (0 = all)'),
  evalPassK: z.number().int().positive().default(1).describe('Attempts per validation task; reports pass@1 and pass@k'),
  evalSampling: z
    .strictObject({ temperature: z.number().min(0).optional(), topP: z.number().gt(0).max(1).optional(), seed: z.number().int().optional() })
    .default({ temperature: 1, topP: 1 }),
  checkpointEvery: z.number().int().min(0).default(1).describe('Save trainer (and learner) state every N steps (0 = never)'),
});

export type ScheduleConfig = z.infer<typeof ScheduleConfigSchema>;
