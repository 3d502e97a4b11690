import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Python worker's package folder (`trainer/worker`), found from this file in the sources or in dist/. */
export function workerPackagePath(): string {
  for (const relative of ['../trainer/worker', '../../trainer/worker']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${path}/rollcall_worker/__main__.py`)) return path;
  }
  throw new Error('trainer/worker/rollcall_worker is missing from this installation');
}

/** The environment `python -m rollcall_worker` runs in: the package first on PYTHONPATH. */
export function workerEnvironment(packagePath: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PYTHONPATH: [packagePath, env.PYTHONPATH].filter(Boolean).join(':') };
}
