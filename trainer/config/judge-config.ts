import { z } from 'zod';
import { isPythonSpec, PYTHON_SPEC_HINT } from '../function-service/python-spec.ts';

const JUDGE_TYPES = ['math', 'llm', 'module', 'workflow', 'http', 'python'] as const;

/** The judge section: how a rollout's reward is decided. */
export const JudgeConfigSchema = z
  .strictObject({
    type: z
      .enum(JUDGE_TYPES)
      .default('math')
      .describe(
        'math: built-in answer checker; llm: an auxiliary model judges; module: your own (path#export); workflow: the reward ' +
          'the workflow returns; http: a judge service at url; python: your Python function, served like a python workflow',
      ),
    module: z
      .string()
      .optional()
      .describe('For type module: "path/to/judge.ts#exportName"; for type python: "path/to/judge.py:function"; relative to the config file'),
    url: z.url({ protocol: /^https?$/ }).optional().describe('For type http: the endpoint that gets one POST per judgement'),
    python: z
      .string()
      .min(1)
      .optional()
      .describe('For type python: the interpreter (default: the python workflow\'s, else python3); ROLLCALL_PYTHON overrides it'),
    timeoutMs: z.number().int().positive().default(60_000).describe('For types http and python: longest one judgement may take'),
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
  })
  .superRefine((judge, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (judge.type === 'http' && judge.url === undefined) problem('url', 'type http needs the url of the judge service');
    if (judge.type !== 'http' && judge.url !== undefined) problem('url', 'only a judge of type http has a url');
    if (judge.type !== 'python' && judge.python !== undefined) problem('python', 'only a judge of type python has a python');
    if (judge.type === 'python' && (judge.module === undefined || !isPythonSpec(judge.module))) problem('module', `type python: ${PYTHON_SPEC_HINT}`);
  });

export type JudgeConfig = z.infer<typeof JudgeConfigSchema>;
