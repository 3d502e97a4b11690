import { z } from 'zod';

/** The judge section: how a rollout's reward is decided. */
export const JudgeConfigSchema = z.strictObject({
  type: z
    .enum(['math', 'llm', 'module', 'workflow'])
    .default('math')
    .describe('math: built-in answer checker; llm: an auxiliary model judges; module: your own (path#export); workflow: the reward the workflow returns'),
  module: z.string().optional().describe('For type module: "path/to/judge.ts#exportName", relative to the config file'),
  llm: z
    .strictObject({
      auxiliaryModel: z.string().default('judge').describe('Name of the auxiliary model (see auxiliaryModels)'),
      maxRetries: z.number().int().min(0).default(3),
    })
    .prefault({}),
  rewards: z
    .strictObject({
      correct: z.number().default(1),
      wrong: z.number().default(0),
      noAnswer: z.number().default(0),
    })
    .prefault({}),
  madness: z
    .strictObject({
      checks: z.array(z.enum(['nonsense', 'wrong_toolcall'])).default(['nonsense', 'wrong_toolcall']).describe('Degeneration checks; a hit replaces the reward'),
      reward: z.number().default(0).describe('Reward of a rollout a madness check flags'),
    })
    .prefault({}),
});

export type JudgeConfig = z.infer<typeof JudgeConfigSchema>;
