/**
 * Loading a custom judge from a module: `path/to/file.ts#exportName` (no `#` means the default
 * export), resolved against a base directory (the config file's folder) unless absolute.
 *
 * Everything is checked when the trainer starts, not at the first rollout: the file exists, it
 * imports, the export exists and is a function taking at most the three judge arguments. The
 * returned judge also validates every result, because a NaN reward would silently poison the
 * advantages of a whole group. `.ts` modules need a TypeScript loader (`node --import tsx`).
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { judgeError } from './judge-errors.ts';
import type { Judge, JudgeResult } from './judge-types.ts';

export type JudgeModuleSpec = { path: string; exportName: string };

export function parseJudgeSpec(spec: string): JudgeModuleSpec {
  const hash = spec.lastIndexOf('#');
  const path = (hash === -1 ? spec : spec.slice(0, hash)).trim();
  const exportName = hash === -1 ? 'default' : spec.slice(hash + 1).trim();
  if (path === '' || exportName === '') {
    throw judgeError(
      'RC_ERR_JUDGE_MODULE_SPEC',
      `judge module "${spec}" must look like "path/to/file.ts#exportName"`,
    );
  }
  return { path, exportName };
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/** Throws `RC_ERR_JUDGE_BAD_RESULT` naming the judge unless `value` is a valid JudgeResult. */
export function validateJudgeResult(value: unknown, source: string): JudgeResult {
  const problem = findResultProblem(value);
  if (problem !== null) {
    throw judgeError('RC_ERR_JUDGE_BAD_RESULT', `judge ${source} returned ${problem}`);
  }
  return value as JudgeResult;
}

function findResultProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return `${describe(value)}, not an object`;
  const record = value as Record<string, unknown>;
  if (typeof record.reward !== 'number' || !Number.isFinite(record.reward)) {
    return `reward ${String(record.reward)}, not a finite number`;
  }
  if (typeof record.isSuccess !== 'boolean') return `isSuccess ${describe(record.isSuccess)}`;
  const metrics = record.metrics;
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    return `metrics ${describe(metrics)}, not an object`;
  }
  for (const [name, metric] of Object.entries(metrics)) {
    if (typeof metric !== 'number' || !Number.isFinite(metric)) {
      return `metric "${name}" = ${String(metric)}, not a finite number`;
    }
  }
  return null;
}

async function importModule(file: string, label: string): Promise<Record<string, unknown>> {
  if (!existsSync(file)) {
    throw judgeError('RC_ERR_JUDGE_MODULE_NOT_FOUND', `judge module ${label}: no file ${file}`);
  }
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const hint =
      code === 'ERR_UNKNOWN_FILE_EXTENSION' ? ' (run with `node --import tsx` to load .ts)' : '';
    throw judgeError(
      'RC_ERR_JUDGE_MODULE_LOAD',
      `judge module ${label} failed to import: ${(error as Error).message}${hint}`,
      error,
    );
  }
}

/** Imports `spec` relative to `baseDir` and returns it as a result-validating Judge. */
export async function loadJudge(spec: string, baseDir: string): Promise<Judge> {
  const { path, exportName } = parseJudgeSpec(spec);
  const file = isAbsolute(path) ? path : resolve(baseDir, path);
  const label = `"${spec}"`;
  const namespace = await importModule(file, label);
  if (!(exportName in namespace)) {
    const available = Object.keys(namespace).join(', ') || 'none';
    throw judgeError(
      'RC_ERR_JUDGE_EXPORT_MISSING',
      `judge module ${file} has no export "${exportName}" (exports: ${available})`,
    );
  }
  const candidate = namespace[exportName];
  if (typeof candidate !== 'function') {
    throw judgeError(
      'RC_ERR_JUDGE_EXPORT_NOT_FUNCTION',
      `judge export "${exportName}" of ${file} is ${describe(candidate)}, not a function`,
    );
  }
  if (candidate.length > 3) {
    throw judgeError(
      'RC_ERR_JUDGE_EXPORT_SIGNATURE',
      `judge export "${exportName}" of ${file} takes ${candidate.length} parameters; ` +
        'a judge takes (task, output, context)',
    );
  }
  const judge = candidate as Judge;
  return async (task, output, context) =>
    validateJudgeResult(await judge(task, output, context), label);
}
