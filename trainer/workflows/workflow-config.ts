/**
 * The trainer config's `workflow` section: which runner executes the agent, and its limits.
 * Strict (unknown keys are errors), defaults for everything optional; the `.describe()` texts are
 * the generated configuration reference.
 */
import { z } from 'zod';
import { isPythonSpec, PYTHON_SPEC_HINT } from '../function-service/python-spec.ts';
import { parseJudgeSpec } from '../judges/load-judge.ts';

/** Variables the command runner sets itself; a configured `env` may not replace them. */
export const RESERVED_ENV_NAMES = [
  'OPENAI_BASE_URL',
  'OPENAI_API_KEY',
  'OPENAI_MODEL',
  'ANTHROPIC_BASE_URL',
  'ANTHROPIC_API_KEY',
  'ROLLCALL_TASK',
  'ROLLCALL_ROLLOUT_ID',
  'ROLLCALL_ATTEMPT',
  'ROLLCALL_METADATA',
  'ROLLCALL_AUXILIARY_MODELS',
] as const;

/**
 * What a command inherits from the trainer's environment by default. Not everything: the trainer
 * holds the proxy's admin token (`ROLLCALL_ADMIN_TOKEN`) and often cloud keys, and the agent being
 * trained runs model-written code, so secrets are passed only when a config names them.
 */
export const DEFAULT_INHERITED_ENV = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR',
  'TERM', 'SYSTEMROOT', 'VIRTUAL_ENV', 'PYTHONPATH', 'NODE_PATH',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy',
];

function isModuleSpec(spec: string): boolean {
  try {
    parseJudgeSpec(spec);
    return true;
  } catch {
    return false; // reported by zod as a config issue on this field
  }
}

const timeoutMs = z
  .number()
  .int()
  .positive()
  .default(300_000)
  .describe('Longest one run may take; then it is stopped and counted as a timeout');

export const ModuleWorkflowConfigSchema = z
  .strictObject({
    type: z.literal('module'),
    module: z
      .string()
      .refine(isModuleSpec, 'must look like "path/to/file.ts#exportName"')
      .describe(
        'In-process workflow as "path/to/file.ts#exportName" (no "#": the default export), ' +
          'relative to the config file; .ts needs `node --import tsx`, a compiled install imports .js',
      ),
    timeoutMs,
  })
  .describe('A TypeScript/JavaScript function called in the trainer process');

export const CommandWorkflowConfigSchema = z
  .strictObject({
    type: z.literal('command'),
    command: z
      .array(z.string().min(1))
      .min(1)
      .describe('Program and arguments, run without a shell; a relative program path is relative to cwd'),
    cwd: z.string().optional().describe('Working directory, relative to the config file; default: its folder'),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
      .refine((env) => RESERVED_ENV_NAMES.every((name) => !(name in env)), {
        message: `may not set ${RESERVED_ENV_NAMES.join(', ')}: the runner sets them per rollout`,
      })
      .default({})
      .describe('Extra environment variables, added to the inherited ones'),
    inheritEnv: z
      .array(z.string().min(1))
      .default(DEFAULT_INHERITED_ENV)
      .describe('Names of variables copied from the trainer environment (not secrets by default)'),
    killGraceMs: z
      .number()
      .int()
      .nonnegative()
      .default(5_000)
      .describe('After SIGTERM on timeout or cancel, how long before SIGKILL'),
    maxStdoutBytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024)
      .describe('More stdout than this stops the command and counts as bad output'),
    maxStderrBytes: z
      .number()
      .int()
      .positive()
      .default(64 * 1024)
      .describe('How much of the end of stderr is kept for the run log'),
    timeoutMs,
  })
  .describe('An external program in any language; prints its output as JSON on stdout');

export const HttpWorkflowConfigSchema = z
  .strictObject({
    type: z.literal('http'),
    url: z.url({ protocol: /^https?$/ }).describe('Endpoint that gets one POST per rollout'),
    headers: z
      .record(z.string().min(1), z.string())
      .default({})
      .describe('Extra request headers, e.g. the workflow service\'s own authorization'),
    maxResponseBytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024)
      .describe('A larger response body counts as bad output'),
    timeoutMs,
  })
  .describe(
    'A workflow served over HTTP (JSON in, JSON out; src/wire/function-service.ts). The service is told ' +
      'timeoutMs in the x-rollcall-timeout-ms header and gets 2 s more to answer with its own timeout report',
  );

/** The interpreter of `type: python` sections; `ROLLCALL_PYTHON` overrides the file's. */
export const pythonInterpreter = z
  .string()
  .min(1)
  .default('python3')
  .describe('The Python that runs the functions (a path relative to the config file, or a name on PATH); ROLLCALL_PYTHON overrides it');

export const PythonWorkflowConfigSchema = z
  .strictObject({
    type: z.literal('python'),
    module: z
      .string()
      .refine(isPythonSpec, PYTHON_SPEC_HINT)
      .describe('The workflow function, "path/to/file.py:function" (relative to the config file) or "package.module:function"'),
    python: pythonInterpreter,
    cwd: z.string().optional().describe('Working directory of the Python process, relative to the config file; default: its folder'),
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string())
      .default({})
      .describe('Extra environment variables of the Python process, added to the inherited ones'),
    inheritEnv: z
      .array(z.string().min(1))
      .default(DEFAULT_INHERITED_ENV)
      .describe('Names of variables copied from the trainer environment (not secrets by default)'),
    startTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('Longest wait for the Python process to import the functions and listen'),
    maxResponseBytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 * 1024)
      .describe('A larger output counts as bad output'),
    timeoutMs,
  })
  .describe(
    'A Python function (`def` or `async def`) served by one long-lived Python process (`python -m rollcall serve`) ' +
      'that runs many rollouts at once; a judge of type python shares the process',
  );

export const WorkflowConfigSchema = z
  .discriminatedUnion('type', [
    ModuleWorkflowConfigSchema,
    CommandWorkflowConfigSchema,
    HttpWorkflowConfigSchema,
    PythonWorkflowConfigSchema,
  ])
  .describe('How the agent is run for each rollout');

export type WorkflowConfig = z.infer<typeof WorkflowConfigSchema>;
export type WorkflowConfigInput = z.input<typeof WorkflowConfigSchema>;
export type ModuleWorkflowConfig = z.infer<typeof ModuleWorkflowConfigSchema>;
export type CommandWorkflowConfig = z.infer<typeof CommandWorkflowConfigSchema>;
export type HttpWorkflowConfig = z.infer<typeof HttpWorkflowConfigSchema>;
export type PythonWorkflowConfig = z.infer<typeof PythonWorkflowConfigSchema>;
