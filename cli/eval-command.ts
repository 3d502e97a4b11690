import { parseArgs } from 'node:util';
import { ConfigError, loadTrainerConfig } from '../trainer/config/load-trainer-config.ts';
import { startPolicy } from '../trainer/orchestrator/policy-update.ts';
import { runValidation } from '../trainer/orchestrator/run-validation.ts';
import { createRunFolder, writeResolvedConfig } from '../trainer/run/run-folder.ts';
import { buildTrainer, closeRun } from './build-trainer.ts';
import { startProxyForTraining } from './embedded-proxy.ts';

export const EVAL_USAGE = 'usage: rollcall eval --conf FILE.yaml [--backbone debug|worker] [--checkpoint DIR] [--tasks N] [--pass-k K]';

/**
 * `rollcall eval`: validation only — `evalPassK` attempts of each validation task (or of the train
 * tasks when none are configured), never trained on; pass@1 and pass@k in a new run folder. With
 * `--checkpoint` the worker first loads those weights (and publishes them, with `learner.publish`).
 */
export async function evalCommand(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { conf: { type: 'string' }, backbone: { type: 'string' }, checkpoint: { type: 'string' }, tasks: { type: 'string' }, 'pass-k': { type: 'string' } }, strict: true }));
  } catch (error) {
    process.stderr.write(`rollcall eval: ${(error as Error).message}\n${EVAL_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const backbone = values.backbone;
  if (values.conf === undefined || (backbone !== undefined && backbone !== 'debug' && backbone !== 'worker')) {
    process.stderr.write(`rollcall eval: --conf is required and --backbone is debug or worker\n${EVAL_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  let loaded;
  try {
    loaded = loadTrainerConfig(values.conf, backbone === undefined ? {} : { backbone });
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : `rollcall eval: ${(error as Error).message}`}\n`);
    process.exitCode = 2;
    return;
  }
  const schedule = { ...loaded.config.schedule, ...(values.tasks === undefined ? {} : { evalTasks: Number(values.tasks) }), ...(values['pass-k'] === undefined ? {} : { evalPassK: Number(values['pass-k']) }) };
  const config = { ...loaded.config, experiment: `${loaded.config.experiment}-eval`, schedule };
  const run = createRunFolder(config.runsDir, config.project, config.experiment);
  writeResolvedConfig(run, config);
  const proxy = await startProxyForTraining(config.proxy, run.databaseFile, run.logFile);
  let deps;
  try {
    deps = await buildTrainer({ ...loaded, config }, run, proxy, new AbortController().signal, process.stderr);
    if (values.checkpoint !== undefined) await deps.learner.restore(values.checkpoint);
    // With learner.publish the engines must serve the weights under evaluation, and the adapter must exist.
    await startPolicy(deps, null);
    const tasks = deps.validationTasks.length > 0 ? deps.validationTasks : deps.trainTasks;
    const metrics = await runValidation({ ...deps, validationTasks: tasks }, 0);
    deps.sink.write(0, metrics);
    const k = config.schedule.evalPassK;
    process.stdout.write(`eval: ${metrics['val/tasks']} tasks × ${k}: pass@1 ${metrics['val/pass@1']?.toFixed(3)}, pass@${k} ${metrics[`val/pass@${k}`]?.toFixed(3)}, failed rollouts ${metrics['val/rollouts/failed']}\n  run folder: ${run.dir}\n`);
  } catch (error) {
    process.stderr.write(`rollcall eval: ${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await closeRun(deps, proxy);
  }
}
