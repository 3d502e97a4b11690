import { spawn } from 'node:child_process';
import { helpText, type CommandSpec } from '../src/config/command-line.ts';
import { findTorchPython, noPythonMessage } from './find-python.ts';
import { workerEnvironment, workerPackagePath } from './worker-package.ts';

export const WORKER_SPEC = {
  name: 'worker',
  summary: 'run the Python GPU worker (generation + learning) on a model folder',
  positionals: '[python -m rollcall_worker flags: --model DIR --port 8000 …]',
  flags: {},
  notes: [
    'Every flag goes to python -m rollcall_worker (trainer/worker/README.md); its own help follows when a Python with torch is found.',
    'Several GPUs: --gpus N runs N learner ranks under torchrun (rank 0 on --port, generation replicas on --port + rank); several machines add --nnodes M --rdzv-endpoint HOST:PORT (docs/train-a-real-model.md, section c).',
    'Python: ROLLCALL_PYTHON when set, else the first of python3, python, /usr/bin/python3 that can import torch.',
  ],
} as const satisfies CommandSpec;

/**
 * `rollcall worker --model DIR [...]`: runs the Python GPU worker (`python -m rollcall_worker`)
 * with its package on PYTHONPATH and the first Python that can import torch; every flag is passed
 * through (see trainer/worker/README.md).
 */
export async function workerCommand(argv: string[]): Promise<void> {
  const isHelp = argv.includes('--help') || argv.includes('-h');
  if (isHelp) process.stdout.write(`${helpText(WORKER_SPEC)}\n`);
  let path: string;
  try {
    path = workerPackagePath();
  } catch (error) {
    process.stderr.write(`rollcall worker: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const choice = await findTorchPython();
  if (choice.chosen === null) {
    process.stderr.write(`rollcall worker: ${noPythonMessage(choice)}\n`);
    process.exitCode = isHelp ? 0 : 2;
    return;
  }
  const python = choice.chosen.executable ?? choice.chosen.command;
  process.stderr.write(`rollcall worker: using ${python} (Python ${choice.chosen.python}, torch ${choice.chosen.torch}${choice.chosen.cuda ? `, CUDA: ${choice.chosen.gpus?.join(', ')}` : ', no CUDA'})\n`);
  const child = spawn(python, ['-m', 'rollcall_worker', ...argv], {
    stdio: 'inherit',
    env: workerEnvironment(path),
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
