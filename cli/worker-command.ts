import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Python worker's package folder, found from this file in the sources or in dist/. */
function workerPath(): string {
  for (const relative of ['../trainer/worker', '../../trainer/worker']) {
    const path = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(`${path}/rollcall_worker/__main__.py`)) return path;
  }
  throw new Error('trainer/worker/rollcall_worker is missing from this installation');
}

/**
 * `rollcall worker --model DIR [...]`: runs the Python GPU worker (`python -m rollcall_worker`)
 * with its package on PYTHONPATH; every flag is passed through (see trainer/worker/README.md).
 * The interpreter is `$PYTHON`, else `python3`.
 */
export async function workerCommand(argv: string[]): Promise<void> {
  const python = process.env.PYTHON ?? 'python3';
  let path: string;
  try {
    path = workerPath();
  } catch (error) {
    process.stderr.write(`rollcall worker: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const child = spawn(python, ['-m', 'rollcall_worker', ...argv], {
    stdio: 'inherit',
    env: { ...process.env, PYTHONPATH: [path, process.env.PYTHONPATH].filter(Boolean).join(':') },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const code = await new Promise<number>((resolve) => {
    child.once('error', (error) => {
      process.stderr.write(`rollcall worker: could not start ${python}: ${error.message}\n`);
      resolve(127);
    });
    child.once('exit', (status, signal) => resolve(status ?? (signal === null ? 1 : 128)));
  });
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  process.exitCode = code;
}
