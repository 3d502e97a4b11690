/**
 * Which Python process a run needs: one `python -m rollcall serve` for its `type: python`
 * workflow and judge together (they share globals and a warm interpreter), or none. The workflow
 * section's settings (`cwd`, `env`, `inheritEnv`, `startTimeoutMs`) shape the process; a python
 * judge alone gets the defaults. rollcall's own Python package (adapters/python) goes first on
 * PYTHONPATH, so the functions' `import rollcall` matches this trainer's wire contract without an
 * install step.
 */
import { existsSync } from 'node:fs';
import { delimiter, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detailError } from '../../src/errors/rollcall-error.ts';
import type { TrainerConfig } from '../config/trainer-config.ts';
import { staticCommandEnv } from '../workflows/command-env.ts';
import { DEFAULT_INHERITED_ENV } from '../workflows/workflow-config.ts';
import { absolutePythonSpec } from './python-spec.ts';
import type { PythonHostOptions } from './python-host.ts';

const DEFAULT_START_TIMEOUT_MS = 60_000;

/** adapters/python, found from this file in the sources or in dist/. */
export function pythonPackageDir(): string {
  for (const relative of ['../../adapters/python', '../../../adapters/python']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${path}/rollcall/__init__.py`)) return path;
  }
  throw detailError('RC_ERR_PYTHON_SERVICE_START', 'adapters/python/rollcall is missing from this installation of rollcall');
}

/** An interpreter given as a path is relative to the config file; a bare name is looked up on PATH. */
function interpreter(python: string, baseDir: string): string {
  return python.includes('/') && !isAbsolute(python) ? resolve(baseDir, python) : python;
}

/** The one Python process the config asks for, or null when nothing is `type: python`. */
export function pythonHostPlan(config: Pick<TrainerConfig, 'workflow' | 'judge'>, baseDir: string, log: (line: string) => void,
  parentEnv: NodeJS.ProcessEnv = process.env): PythonHostOptions | null {
  const workflow = config.workflow.type === 'python' ? config.workflow : null;
  const judge = config.judge.type === 'python' ? config.judge : null;
  if (workflow === null && judge === null) return null;
  const env = staticCommandEnv(workflow ?? { env: {}, inheritEnv: DEFAULT_INHERITED_ENV }, parentEnv);
  env.PYTHONPATH = [pythonPackageDir(), env.PYTHONPATH].filter((part) => part !== undefined && part !== '').join(delimiter);
  env.PYTHONUNBUFFERED = '1'; // prints reach the run log as they happen
  env.PYTHONDONTWRITEBYTECODE = '1';
  return {
    python: interpreter(workflow?.python ?? judge?.python ?? 'python3', baseDir),
    workflow: workflow === null ? null : absolutePythonSpec(workflow.module, baseDir),
    judge: judge === null ? null : absolutePythonSpec(judge.module as string, baseDir),
    cwd: resolve(baseDir, workflow?.cwd ?? '.'),
    env,
    startTimeoutMs: workflow?.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS,
    log,
  };
}
