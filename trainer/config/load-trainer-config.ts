import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { deepFreeze } from '../../src/config/deep-freeze.ts';
import { unknownKeyLine } from '../../src/config/key-suggestions.ts';
import { commandLinePath, resolveConfigPaths } from './config-paths.ts';
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
  return error.issues.flatMap((issue) => {
    const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => unknownKeyLine(TrainerConfigSchema, issue.path as (string | number)[], key));
    return [`${path}: ${issue.message}`];
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

/**
 * Command-line overrides applied on top of the file (flags win). `set` holds `key.path=value`
 * assignments; a value is read as YAML (`8`, `true`, `[a, b]`), a path in it is relative to the
 * working directory.
 */
export type ConfigOverrides = { backbone?: 'debug' | 'worker'; steps?: number; set?: readonly string[]; workflowUrl?: string; judgeUrl?: string };

function applySet(input: Record<string, unknown>, assignment: string, workingDir: string): string | null {
  const equals = assignment.indexOf('=');
  const key = equals === -1 ? '' : assignment.slice(0, equals).trim();
  if (!/^[\w-]+(\.[\w-]+)*$/.test(key)) return `--set ${assignment}: expected key.path=value`;
  let target = input;
  const segments = key.split('.');
  for (const segment of segments.slice(0, -1)) {
    const next = target[segment];
    target[segment] = next !== null && typeof next === 'object' && !Array.isArray(next) ? { ...(next as Record<string, unknown>) } : {};
    target = target[segment] as Record<string, unknown>;
  }
  target[segments.at(-1) as string] = commandLinePath(key, parseYaml(assignment.slice(equals + 1)), workingDir);
  return null;
}

/**
 * Reads and validates a trainer YAML. Paths in it are relative to the file's folder (or, for what
 * a run creates, to the working directory: see config-paths.ts); the result holds them absolute.
 */
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
  const setProblems = (overrides.set ?? []).map((assignment) => applySet(input, assignment, process.cwd())).filter((p): p is string => p !== null);
  if (setProblems.length > 0) throw new ConfigError(path, setProblems);
  applyServiceUrls(input, overrides);
  const result = TrainerConfigSchema.safeParse(input);
  if (!result.success) throw new ConfigError(path, problemLines(result.error));
  const config = { ...result.data, experiment: result.data.experiment ?? basename(path, extname(path)) };
  resolveConfigPaths(config as unknown as Record<string, unknown>, { configDir: dirname(path), workingDir: process.cwd() });
  return { config: deepFreeze(config), file: path, baseDir: dirname(path) };
}
