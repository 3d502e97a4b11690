import { z } from 'zod';
import { SHARED_PREFIX_MODES } from '../../src/trajectory/sample-types.ts';
import { AdvantageOptionsSchema } from '../advantages/advantage-config.ts';
import { SelectorConfigSchema } from '../selectors/selector-config.ts';
import { TaskReaderConfigSchema } from '../tasks/task-types.ts';
import { WorkflowConfigSchema } from '../workflows/workflow-config.ts';
import { JudgeConfigSchema } from './judge-config.ts';
import { LearnerConfigSchema } from './learner-config.ts';
import { lossProblems } from './learner-hyper.ts';
import { ProxySectionSchema, proxyProblems } from './proxy-section.ts';
import { publishProblems } from './publish-config.ts';
import { RolloutConfigSchema } from './rollout-config.ts';
import { ScheduleConfigSchema } from './schedule-config.ts';

/**
 * The trainer's one configuration file: one strict schema built from section
 * schemas. Unknown keys are errors; everything optional has a default; `docs/config.md` is
 * generated from the descriptions here.
 */

const TasksSchema = z.strictObject({
  train: TaskReaderConfigSchema.describe('Where training tasks come from'),
  validation: TaskReaderConfigSchema.optional().describe('Held-out tasks for validation (pass@k)'),
  selector: SelectorConfigSchema.prefault({}).describe('How each step picks its tasks'),
});

const SamplesSchema = z.strictObject({
  maxSamplesPerRollout: z.number().int().positive().optional(),
  maxPromptTokens: z.number().int().positive().optional(),
  maxTotalTokens: z.number().int().positive().optional(),
  maxResponseTokens: z.number().int().positive().optional(),
  sharedPrefix: z.enum(SHARED_PREFIX_MODES).default('train-once').describe('A turn shared by several branches of a rollout is trained once, or in each'),
});

export const AuxiliaryModelConfigSchema = z.strictObject({
  model: z.string().min(1).describe('The model name sent to the auxiliary engine of the same name (proxy.auxiliaryEngines)'),
});

export const TrainerConfigSchema = z.strictObject({
  project: z.string().regex(/^[\w.-]+$/).default('rollcall').describe('Runs go to <runsDir>/<project>/'),
  experiment: z.string().regex(/^[\w.-]+$/).optional().describe('Default: the config file name'),
  runsDir: z.string().default('runs'),
  proxy: ProxySectionSchema.prefault({}),
  auxiliaryModels: z.record(z.string(), AuxiliaryModelConfigSchema).default({}).describe('Models workflows and judges may call besides the policy, by engine name'),
  tasks: TasksSchema,
  workflow: WorkflowConfigSchema,
  judge: JudgeConfigSchema.prefault({}),
  rollout: RolloutConfigSchema.prefault({}),
  samples: SamplesSchema.prefault({}),
  algorithm: AdvantageOptionsSchema.prefault({}),
  learner: LearnerConfigSchema.prefault({}),
  schedule: ScheduleConfigSchema.prefault({}),
}).superRefine((config, ctx) => {
  for (const problem of [...proxyProblems(config.proxy), ...publishProblems(config), ...lossProblems(config)]) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  const { workflow, judge } = config;
  if (workflow.type === 'python' && judge.type === 'python' && judge.python !== undefined && judge.python !== workflow.python) {
    ctx.addIssue({ code: 'custom', path: ['judge', 'python'], message: 'a python judge runs in the python workflow\'s process: leave judge.python out or make it workflow.python' });
  }
});

export type TrainerConfig = z.infer<typeof TrainerConfigSchema>;
