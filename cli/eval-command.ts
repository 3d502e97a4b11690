import { readCommandLine, readNumberFlag, type CommandSpec } from '../src/config/command-line.ts';
import { startPolicy } from '../trainer/orchestrator/policy-update.ts';
import { runValidation } from '../trainer/orchestrator/run-validation.ts';
import { createRunFolder, writeResolvedConfig } from '../trainer/run/run-folder.ts';
import { RunLog } from '../trainer/run/run-log.ts';
import { closeRun, startRun, type StartedRun } from './build-trainer.ts';
import { loadRunConfig, openStopSignal, RUN_FLAGS } from './run-command.ts';
import { CommandFailure, hintFromProxyLog, reportFailure } from './run-failure.ts';

export const EVAL_SPEC = {
  name: 'eval',
  summary: 'validation only: pass@1 and pass@k of the configured tasks, never trained on',
  flags: {
    ...RUN_FLAGS,
    checkpoint: { type: 'string', value: 'DIR', help: 'the worker loads these weights first (without it: whatever the engine serves now)' },
    tasks: { type: 'string', value: 'N', help: 'schedule.evalTasks: the first N validation tasks (0 = all)' },
    'pass-k': { type: 'string', value: 'K', help: 'schedule.evalPassK: attempts per task' },
  },
} as const satisfies CommandSpec;

/**
 * `rollcall eval`: validation only — `evalPassK` attempts of each validation task (or of the train
 * tasks when none are configured), never trained on; pass@1 and pass@k in a new run folder. With
 * `--checkpoint` the worker first loads those weights (and publishes them, with `learner.publish`);
 * without it the engine is evaluated as it is and no learner is involved.
 */
export async function evalCommand(argv: string[]): Promise<void> {
  const line = readCommandLine(EVAL_SPEC, argv);
  if (line === null) return;
  const { values } = line;
  const evalTasks = readNumberFlag('eval', 'tasks', values.tasks, { integer: true, min: 0 });
  const evalPassK = readNumberFlag('eval', 'pass-k', values['pass-k'], { integer: true, min: 1 });
  if (evalTasks === null || evalPassK === null) return;
  const loaded = loadRunConfig('eval', values.conf as string, { ...(values.backbone === undefined ? {} : { backbone: values.backbone as 'debug' }), set: values.set ?? [] });
  if (loaded === null) return;
  const schedule = { ...loaded.config.schedule, ...(evalTasks === undefined ? {} : { evalTasks }), ...(evalPassK === undefined ? {} : { evalPassK }) };
  const config = { ...loaded.config, experiment: `${loaded.config.experiment}-eval`, schedule };
  const run = createRunFolder(config.runsDir, config.project, config.experiment);
  writeResolvedConfig(run, config, loaded.file);
  const runLog = new RunLog(run.logFile);
  const stop = openStopSignal(config.rollout.concurrency);
  let started: Partial<StartedRun> = {};
  try {
    started = await startRun({ loaded: { ...loaded, config }, run, runLog, signal: stop.signal, out: process.stderr, usesLearner: values.checkpoint !== undefined, progressTitle: 'eval' });
    const deps = started.deps as StartedRun['deps'];
    if (values.checkpoint !== undefined) await deps.learner.restore(values.checkpoint);
    // With learner.publish the engines must serve the weights under evaluation, and the adapter must exist.
    await startPolicy(deps, null);
    const tasks = deps.validationTasks.length > 0 ? deps.validationTasks : deps.trainTasks;
    deps.progress.start();
    const metrics = await runValidation({ ...deps, validationTasks: tasks }, 0).finally(() => deps.progress.stop());
    const count = metrics['val/rollouts/count'] ?? 0;
    if (count > 0 && metrics['val/rollouts/failed'] === count) {
      throw new CommandFailure(`all ${count} validation rollouts failed`, hintFromProxyLog(runLog) ?? 'run.log holds each failure; rollcall doctor --conf FILE checks the set-up');
    }
    deps.sink.write(0, metrics);
    const k = config.schedule.evalPassK;
    process.stdout.write(`eval: ${metrics['val/tasks']} tasks × ${k}: pass@1 ${metrics['val/pass@1']?.toFixed(3)}, pass@${k} ${metrics[`val/pass@${k}`]?.toFixed(3)}, failed rollouts ${metrics['val/rollouts/failed']}\n  run folder: ${run.dir}\n`);
  } catch (error) {
    reportFailure('eval', error, { runLog, runDir: run.dir });
    process.exitCode = 1;
  } finally {
    stop.release();
    await closeRun(started);
    runLog.close();
  }
}
