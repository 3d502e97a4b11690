import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCommandLine, readNumberFlag, type CommandSpec } from '../src/config/command-line.ts';
import { renderReport } from './doctor/check-report.ts';
import { heldOutLine, readMetricsRows } from './quickstart/held-out-line.ts';
import { checkPrerequisites, type Device } from './quickstart/prerequisites.ts';
import { startWorkerProcess, type WorkerProcess } from './quickstart/worker-process.ts';
import { RUN_FLAGS } from './run-command.ts';
import { trainCommand } from './train-command.ts';

export const QUICKSTART_SPEC = {
  name: 'quickstart',
  summary: 'watch a tool-using math agent learn with GRPO on this machine: the shipped small policy, CPU or GPU, in minutes',
  flags: {
    device: { type: 'string', value: 'cpu|cuda', help: 'where the worker generates and learns (default cpu)' },
    steps: { type: 'string', value: 'N', help: 'training steps at most (default: the configuration\'s, 40)' },
    minutes: { type: 'string', value: 'M', help: 'time budget: the step that ends after M minutes is the last (default: the configuration\'s, 8.5)' },
    'run-dir': { type: 'string', value: 'DIR', help: 'folder of the run folders (default: runs/ here)' },
    policy: { type: 'string', value: 'DIR', help: 'the model folder to train (default: examples/quickstart/small-policy)' },
    set: RUN_FLAGS.set,
    'logview-port': { type: 'string', value: 'N', help: 'port of the log view (default: a free one)' },
  },
  notes: [
    'Checks the prerequisites first and prints the fix for each problem, starts the worker (rollcall worker) on the policy, trains',
    'examples/quickstart/quickstart.yaml against it with the log view beside the run, and stops the worker at the end or on Ctrl-C.',
    'The same run by hand: examples/quickstart/README.md.',
  ],
} as const satisfies CommandSpec;

/**
 * What changes between the CPU and the GPU. On a CPU, forwards over few tokens: the attention
 * scores of a prefill of 64 prompts, or of a 16-sample micro-batch, outgrow the caches (measured on
 * the 2-core machine: 64 prompts of 330 tokens prefilled 4096 tokens at a time 1.8–3.0 s instead of
 * 6.6–8.7 s at once; learner micro-batches of 8 × 470 tokens 7.7k tokens/s, of 16 1.8–3.3k). On the
 * GPU: bf16, decode steps replayed as CUDA graphs, steps of 128 rollouts generated at once.
 */
const DEVICES: Record<Device, { worker: string[]; set: string[] }> = {
  cpu: { worker: ['--device', 'cpu', '--max-batch-tokens', '4096'], set: [] },
  cuda: {
    worker: ['--device', 'cuda', '--dtype', 'bf16', '--cuda-graphs', '--max-num-seqs', '128'],
    set: ['rollout.groupSize=8', 'schedule.tasksPerStep=16', 'rollout.concurrency=128', 'learner.hyper.microBatchSize=32'],
  },
};
const WORKER_READY_MS = 300_000;
const BUILD_HINT = 'build it on a GPU machine with transformers (scripts/small-policy/build-quickstart-policy.sh OUT, then copy OUT/model there), or pass --policy DIR';

/** A file of this repository, found from this module in the sources or in dist/. */
function repositoryFile(relative: string): string {
  for (const up of ['..', '../..']) {
    const path = fileURLToPath(new URL(`${up}/${relative}`, import.meta.url));
    if (existsSync(path)) return path;
  }
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}

/**
 * `rollcall quickstart`: prerequisites, the worker on the shipped policy, then `rollcall train`
 * on examples/quickstart/quickstart.yaml pointed at it. Ctrl-C while the worker starts stops it;
 * during training the first Ctrl-C lets the step finish (as `train` does) and a second stops the
 * worker at once.
 */
export async function quickstartCommand(argv: string[]): Promise<void> {
  const line = readCommandLine(QUICKSTART_SPEC, argv);
  if (line === null) return;
  const { values } = line;
  const device = (values.device ?? 'cpu') as Device;
  if (!(device in DEVICES)) {
    process.stderr.write(`rollcall quickstart: --device is cpu or cuda, not "${device}"\n`);
    process.exitCode = 2;
    return;
  }
  const steps = readNumberFlag('quickstart', 'steps', values.steps, { integer: true, min: 1 });
  const minutes = readNumberFlag('quickstart', 'minutes', values.minutes, { integer: false, above: 0 });
  if (steps === null || minutes === null) return;
  const startedAt = Date.now();
  const policy = resolve(values.policy ?? repositoryFile('examples/quickstart/small-policy'));
  const runsDir = resolve(values['run-dir'] ?? 'runs');
  process.stdout.write(`rollcall quickstart: GRPO on the math agent, policy ${policy}, worker on ${device}\n`);
  const prerequisites = await checkPrerequisites(device, policy, BUILD_HINT);
  process.stdout.write(renderReport([{ title: 'prerequisites', checks: prerequisites.checks }]));
  if (prerequisites.python === null || prerequisites.checks.some((c) => c.status === 'fail')) {
    process.exitCode = 1;
    return;
  }
  mkdirSync(runsDir, { recursive: true });
  let worker: WorkerProcess | undefined;
  let interrupts = 0;
  let training = false;
  const onSignal = () => {
    interrupts += 1;
    // While training, the trainer's own handler takes the first signal and finishes the step.
    if (training && interrupts < 2) return;
    process.stdout.write('\nrollcall quickstart: stopping the worker\n');
    void (worker?.stop() ?? Promise.resolve()).then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const logFile = join(runsDir, `quickstart-worker-${process.pid}.log`);
    process.stdout.write(`starting the worker (${prerequisites.python}; log ${logFile})…\n`);
    worker = await startWorkerProcess({ python: prerequisites.python, args: ['--model', policy, ...DEVICES[device].worker], logFile, readyTimeoutMs: WORKER_READY_MS });
    process.stdout.write(`worker ready at ${worker.url} after ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
    const sets = [`proxy.engine.upstreams=[${worker.url}]`, `learner.url=${worker.url}`, `runsDir=${runsDir}`, ...DEVICES[device].set, ...(minutes === undefined ? [] : [`schedule.maxMinutes=${minutes}`]), ...(values.set ?? [])];
    const trainArgv = ['--conf', repositoryFile('examples/quickstart/quickstart.yaml'), '--with-logview', ...sets.flatMap((s) => ['--set', s]), ...(steps === undefined ? [] : ['--steps', String(steps)]), ...(values['logview-port'] === undefined ? [] : ['--logview-port', values['logview-port']])];
    // The agent's execute_python_code runs `python3` from PATH once per tool call, dozens at a
    // time: the worker's interpreter comes first, so a slow launcher (a pyenv shim takes seconds
    // to start on a busy 2-core machine, past the tool's 10 s limit) is not the one spawned.
    process.env.PATH = [dirname(prerequisites.python), process.env.PATH].filter(Boolean).join(delimiter);
    training = true;
    const running = worker;
    await trainCommand(trainArgv, {
      afterTraining: async (runDir) => {
        await running.stop();
        renameSync(logFile, join(runDir, 'worker.log'));
        training = false;
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        process.stdout.write(`worker stopped (its log: ${join(runDir, 'worker.log')})\n${heldOutLine(readMetricsRows(runDir), Date.now() - startedAt, runDir)}\n`);
      },
    });
  } catch (error) {
    process.stderr.write(`rollcall quickstart: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await worker?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
