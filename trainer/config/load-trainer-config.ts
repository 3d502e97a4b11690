import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { deepFreeze } from '../../src/config/deep-freeze.ts';
import { TrainerConfigSchema, type TrainerConfig } from './trainer-config.ts';

/** A configuration that failed validation: one line per problem, each naming its path. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in the configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type LoadedConfig = { config: TrainerConfig; file: string; baseDir: string };

function problemLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return `${path === '(root)' ? '' : `${path}.`}${issue.keys.join(', ')}: unknown key${issue.keys.length > 1 ? 's' : ''}`;
    return `${path}: ${issue.message}`;
  });
}

/** Environment variables the trainer reads, and what each sets (file < environment < flags). */
export const TRAINER_ENV = {
  ROLLCALL_UPSTREAM: 'proxy.engine.upstreams (comma-separated)',
  ROLLCALL_ENGINE: 'proxy.engine.kind',
  ROLLCALL_RUNS_DIR: 'runsDir',
  ROLLCALL_LEARNER_URL: 'learner.url',
  ROLLCALL_PYTHON: 'workflow.python and judge.python, where their type is python',
} as const;

function applyEnvironment(input: Record<string, Record<string, unknown> | undefined>, env: NodeJS.ProcessEnv): void {
  const proxy = { ...input.proxy };
  const engine = { ...(proxy.engine as Record<string, unknown> | undefined) };
  if (env.ROLLCALL_UPSTREAM) engine.upstreams = env.ROLLCALL_UPSTREAM.split(',').map((u) => u.trim());
  if (env.ROLLCALL_ENGINE) engine.kind = env.ROLLCALL_ENGINE;
  if (env.ROLLCALL_UPSTREAM || env.ROLLCALL_ENGINE) input.proxy = { ...proxy, engine };
  if (env.ROLLCALL_RUNS_DIR) (input as Record<string, unknown>).runsDir = env.ROLLCALL_RUNS_DIR;
  if (env.ROLLCALL_LEARNER_URL) input.learner = { ...input.learner, url: env.ROLLCALL_LEARNER_URL };
  if (env.ROLLCALL_PYTHON) {
    for (const section of ['workflow', 'judge'] as const) {
      if (input[section]?.type === 'python') input[section] = { ...input[section], python: env.ROLLCALL_PYTHON };
    }
  }
}

/**
 * `--workflow-url`/`--judge-url` (what `rollcall.tune()` passes): the section becomes an HTTP
 * service at that URL, keeping only the keys that still apply (time limit; rewards and madness).
 */
function applyServiceUrls(input: Record<string, Record<string, unknown> | undefined>, overrides: ConfigOverrides): void {
  const keep = (section: Record<string, unknown> | undefined, keys: readonly string[]) =>
    Object.fromEntries(keys.filter((key) => section?.[key] !== undefined).map((key) => [key, section?.[key]]));
  if (overrides.workflowUrl !== undefined) input.workflow = { ...keep(input.workflow, ['timeoutMs']), type: 'http', url: overrides.workflowUrl };
  if (overrides.judgeUrl !== undefined) input.judge = { ...keep(input.judge, ['timeoutMs', 'rewards', 'madness']), type: 'http', url: overrides.judgeUrl };
}

/** Command-line overrides applied on top of the file (flags win). */
export type ConfigOverrides = { backbone?: 'debug' | 'worker'; steps?: number; workflowUrl?: string; judgeUrl?: string };

/** Reads and validates a trainer YAML; paths in it are relative to the file's folder. */
export function loadTrainerConfig(file: string, overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const path = resolve(file);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    if (error instanceof YAMLParseError) throw new ConfigError(path, [`YAML: ${error.message.split('\n')[0]}`]);
    throw new ConfigError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(path, ['(root): expected a mapping of sections']);
  const input = structuredClone(raw) as Record<string, Record<string, unknown> | undefined>;
  applyEnvironment(input, env);
  if (overrides.backbone !== undefined) input.learner = { ...input.learner, type: overrides.backbone };
  if (overrides.steps !== undefined) input.schedule = { ...input.schedule, steps: overrides.steps };
  applyServiceUrls(input, overrides);
  const result = TrainerConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigError(path, problemLines(result.error));
  const config = { ...result.data, experiment: result.data.experiment ?? basename(path, extname(path)) };
  return { config: deepFreeze(config), file: path, baseDir: dirname(path) };
}
