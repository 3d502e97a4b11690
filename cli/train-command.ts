import { parseArgs } from 'node:util';
import { setMaxListeners } from 'node:events';
import { ConfigError, loadTrainerConfig } from '../trainer/config/load-trainer-config.ts';
import { runTraining } from '../trainer/orchestrator/training-loop.ts';
import { createRunFolder, latestResumableRun, runFolderAt, writeResolvedConfig } from '../trainer/run/run-folder.ts';
import { buildTrainer, closeRun } from './build-trainer.ts';
import { startProxyForTraining } from './embedded-proxy.ts';
import { startLogviewBesideRun, type LogviewBesideRun } from './logview-beside-run.ts';

export const TRAIN_USAGE = 'usage: rollcall train --conf FILE.yaml [--backbone debug|worker] [--steps N] [--resume [RUN_DIR]] [--with-logview [--logview-port N]]';

const fmt = (value: number | undefined): string => (value === undefined ? '-' : Number.isInteger(value) ? String(value) : value.toFixed(3));

/** `rollcall train`: one run of the configured training, in a new run folder or resumed in an old one. */
export async function trainCommand(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { conf: { type: 'string' }, backbone: { type: 'string' }, steps: { type: 'string' }, resume: { type: 'string' }, 'resume-latest': { type: 'boolean' }, 'with-logview': { type: 'boolean' }, 'logview-port': { type: 'string' } }, strict: true }));
  } catch (error) {
    process.stderr.write(`rollcall train: ${(error as Error).message}\n${TRAIN_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (values.conf === undefined) {
    process.stderr.write(`rollcall train: --conf is required\n${TRAIN_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const backbone = values.backbone;
  if (backbone !== undefined && backbone !== 'debug' && backbone !== 'worker') {
    process.stderr.write(`rollcall train: --backbone must be debug or worker, not "${backbone}"\n`);
    process.exitCode = 2;
    return;
  }
  const steps = values.steps === undefined ? undefined : Number(values.steps);
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) {
    process.stderr.write(`rollcall train: --steps must be a positive integer, not "${values.steps}"\n`);
    process.exitCode = 2;
    return;
  }
  const logviewPort = values['logview-port'] === undefined ? 0 : Number(values['logview-port']);
  if (!Number.isInteger(logviewPort) || logviewPort < 0 || logviewPort > 65535) {
    process.stderr.write(`rollcall train: --logview-port must be a port number, not "${values['logview-port']}"\n`);
    process.exitCode = 2;
    return;
  }
  let loaded;
  try {
    loaded = loadTrainerConfig(values.conf, { ...(backbone === undefined ? {} : { backbone }), ...(steps === undefined ? {} : { steps }) });
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : `rollcall train: ${(error as Error).message}`}\n`);
    process.exitCode = 2;
    return;
  }
  const { config } = loaded;
  const resumeRun = values.resume !== undefined ? runFolderAt(values.resume) : values['resume-latest'] ? latestResumableRun(config.runsDir, config.project, config.experiment as string) : null;
  const run = resumeRun ?? createRunFolder(config.runsDir, config.project, config.experiment as string);
  writeResolvedConfig(run, config);
  const controller = new AbortController();
  // Every rollout in flight listens on this one shutdown signal (and removes its listener when it
  // ends), so the listener count tracks rollout.concurrency; Node's default warns at 11.
  setMaxListeners(config.rollout.concurrency + 16, controller.signal);
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const proxy = await startProxyForTraining(config.proxy, run.databaseFile, run.logFile);
  let deps;
  let logview: LogviewBesideRun | null = null;
  try {
    if (values['with-logview'] === true) {
      logview = await startLogviewBesideRun(run.dir, config.proxy.dbPath ?? run.databaseFile, logviewPort);
      process.stdout.write(`rollcall train: log view at ${logview.url}\n`);
      // A proxy of its own (proxy.url) keeps the rollouts in its database: its /view shows them.
      if (config.proxy.url !== undefined) process.stdout.write(`  rollouts are recorded by the proxy at ${proxy.rootUrl}: its /view shows them\n`);
    }
    deps = await buildTrainer(loaded, run, proxy, controller.signal, process.stderr);
    process.stdout.write(`rollcall train: ${config.project}/${config.experiment}, learner ${config.learner.type}, run folder ${run.dir}\n`);
    const summary = await runTraining(deps, { resume: resumeRun !== null });
    const m = summary.lastMetrics;
    if (summary.stopped) process.exitCode = 130;
    process.stdout.write(
      `${summary.stopped ? 'stopped by a signal after' : 'done:'} ${summary.stepsRun} step(s)${summary.resumedFrom === null ? '' : ` after step ${summary.resumedFrom}`}; last step reward ${fmt(m['reward/mean'])}, success ${fmt(m['success_rate'])}, failed rollouts ${fmt(m['rollouts/failed'])}\n  run folder: ${run.dir}\n`,
    );
  } catch (error) {
    process.stderr.write(`\nrollcall train: ${(error as Error).message}\n  run folder: ${run.dir}\n`);
    process.exitCode = 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await closeRun(deps, proxy);
    // A run stopped by a signal closes its view too; a finished or failed one may keep it open.
    if (controller.signal.aborted) await logview?.close();
    else await logview?.finish(process.stdout);
  }
}
