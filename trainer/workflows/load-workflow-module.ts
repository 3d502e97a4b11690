/**
 * Loading an in-process workflow from `path/to/file.ts#exportName` (the judges' module syntax,
 * parsed by the same `parseJudgeSpec`), resolved against the config file's folder unless absolute.
 *
 * `.ts` files import only when the trainer runs under a TypeScript loader (`node --import tsx`,
 * as in development); a compiled install should point at the built `.js`. The export must be a
 * function of at most one parameter: a `(task, baseUrl, apiKey)` function written for another
 * framework would otherwise get the whole input as its `task` and fail confusingly per rollout.
 * Failures are returned as data with a message saying what to fix.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseJudgeSpec } from '../judges/load-judge.ts';
import { describeThrown } from './workflow-result.ts';
import type { Workflow } from './workflow-types.ts';

export type LoadedWorkflow = { ok: true; workflow: Workflow } | { ok: false; message: string };

function describeValue(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

async function importFile(file: string, spec: string): Promise<Record<string, unknown> | string> {
  if (!existsSync(file)) return `workflow module "${spec}": no file ${file}`;
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const hint =
      code === 'ERR_UNKNOWN_FILE_EXTENSION'
        ? ' (run the trainer with `node --import tsx` to load .ts, or point at the compiled .js)'
        : '';
    return `workflow module "${spec}" failed to import: ${describeThrown(error)}${hint}`;
  }
}

export async function loadWorkflowModule(spec: string, baseDir: string): Promise<LoadedWorkflow> {
  let parsed: { path: string; exportName: string };
  try {
    parsed = parseJudgeSpec(spec);
  } catch {
    // The config schema rejects such specs; this covers a runner built from an unparsed config.
    return { ok: false, message: `workflow module "${spec}" must look like "path/to/file.ts#exportName"` };
  }
  const file = isAbsolute(parsed.path) ? parsed.path : resolve(baseDir, parsed.path);
  const namespace = await importFile(file, spec);
  if (typeof namespace === 'string') return { ok: false, message: namespace };

  const { exportName } = parsed;
  if (!(exportName in namespace)) {
    const available = Object.keys(namespace).join(', ') || 'none';
    return {
      ok: false,
      message: `workflow module ${file} has no export "${exportName}" (exports: ${available})`,
    };
  }
  const candidate = namespace[exportName];
  if (typeof candidate !== 'function') {
    return {
      ok: false,
      message: `workflow export "${exportName}" of ${file} is ${describeValue(candidate)}, not a function`,
    };
  }
  if (candidate.length > 1) {
    return {
      ok: false,
      message:
        `workflow export "${exportName}" of ${file} takes ${candidate.length} parameters; ` +
        'a workflow takes one input object ({ task, baseUrl, apiKey, model, … })',
    };
  }
  return { ok: true, workflow: candidate as Workflow };
}
