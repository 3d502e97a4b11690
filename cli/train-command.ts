import { readCommandLine, readNumberFlag, type CommandSpec } from '../src/config/command-line.ts';
import { externalProxyUrls } from '../trainer/config/proxy-section.ts';
import { runTraining } from '../trainer/orchestrator/training-loop.ts';
import { createRunFolder, latestResumableRun, runFolderAt, writeResolvedConfig } from '../trainer/run/run-folder.ts';
import { RunLog } from '../trainer/run/run-log.ts';
import { closeRun, startRun, type StartedRun } from './build-trainer.ts';
import { loadRunConfig, openStopSignal, RUN_FLAGS } from './run-command.ts';
import { startLogviewBesideRun, type LogviewBesideRun } from './logview-beside-run.ts';
import { reportFailure } from './run-failure.ts';

export const TRAIN_SPEC = {
  name: 'train',
  summary: 'train a policy from a YAML configuration',
  flags: {
    ...RUN_FLAGS,
    steps: { type: 'string', value: 'N', help: 'schedule.steps: how many steps to train' },
    resume: { type: 'string', value: 'RUN_DIR', help: 'continue that run after its last checkpoint' },
    'resume-latest': { type: 'boolean', help: 'continue the newest run of this experiment that has a checkpoint' },
    'workflow-url': { type: 'string', value: 'URL', help: 'workflow: call this HTTP function service instead of the configured workflow (what rollcall.tune() uses)' },
    'judge-url': { type: 'string', value: 'URL', help: 'judge: call this HTTP function service instead of the configured judge' },
    'with-logview': { type: 'boolean', help: 'serve the log view of this run beside it and print its URL (rollcall view)' },
    'logview-port': { type: 'string', value: 'N', help: 'port of the log view (default: a free one)' },
  },
  notes: ['environment: ROLLCALL_UPSTREAM (engine URLs, comma-separated), ROLLCALL_ENGINE, ROLLCALL_RUNS_DIR, ROLLCALL_LEARNER_URL'],
} as const satisfies CommandSpec;

const fmt = (value: number | undefined): string => (value === undefined ? '-' : Number.isInteger(value) ? String(value) : value.toFixed(3));

/** What a command that runs `train` inside itself (quickstart) does once the run has closed, before a log view waits for Ctrl-C. */
export type TrainHooks = { afterTraining?(runDir: string): Promise<void> };

/** `rollcall train`: one run of the configured training, in a new run folder or resumed in an old one. */
export async function trainCommand(argv: string[], hooks: TrainHooks = {}): Promise<void> {
  const line = readCommandLine(TRAIN_SPEC, argv);
  if (line === null) return;
  const { values } = line;
  const steps = readNumberFlag('train', 'steps', values.steps, { integer: true, min: 1 });
  const logviewPort = readNumberFlag('train', 'logview-port', values['logview-port'], { integer: true, min: 0, max: 65535 });
  if (steps === null || logviewPort === null) return;
  const services = { ...(values['workflow-url'] === undefined ? {} : { workflowUrl: values['workflow-url'] as string }), ...(values['judge-url'] === undefined ? {} : { judgeUrl: values['judge-url'] as string }) };
  const loaded = loadRunConfig('train', values.conf as string, { ...(values.backbone === undefined ? {} : { backbone: values.backbone as 'debug' }), ...(steps === undefined ? {} : { steps }), set: values.set ?? [], ...services });
  if (loaded === null) return;
  const { config } = loaded;
  const resumeRun = values.resume !== undefined ? runFolderAt(values.resume) : values['resume-latest'] ? latestResumableRun(config.runsDir, config.project, config.experiment as string) : null;
  const run = resumeRun ?? createRunFolder(config.runsDir, config.project, config.experiment as string);
  writeResolvedConfig(run, config, loaded.file);
  const runLog = new RunLog(run.logFile);
  const stop = openStopSignal(config.rollout.concurrency);
  let started: Partial<StartedRun> = {};
  let logview: LogviewBesideRun | null = null;
  try {
    started = await startRun({ loaded, run, runLog, signal: stop.signal, out: process.stderr, usesLearner: true });
    if (values['with-logview'] === true) {
      logview = await startLogviewBesideRun(run.dir, config.proxy.dbPath ?? run.databaseFile, logviewPort ?? 0);
      process.stdout.write(`rollcall train: log view at ${logview.url}\n`);
      // Proxies of their own (proxy.url, proxy.urls) keep the rollouts in their databases: each one's /view shows its share.
      for (const url of externalProxyUrls(config.proxy)) process.stdout.write(`  rollouts are recorded by the proxy at ${url}: its /view shows them\n`);
    }
    process.stdout.write(`rollcall train: ${config.project}/${config.experiment}, learner ${config.learner.type}, run folder ${run.dir}\n`);
    const summary = await runTraining(started.deps as StartedRun['deps'], { resume: resumeRun !== null });
    const m = summary.lastMetrics;
    if (summary.stopped) process.exitCode = 130;
    process.stdout.write(
      `${summary.stopped ? 'stopped by a signal after' : 'done:'} ${summary.stepsRun} step(s)${summary.resumedFrom === null ? '' : ` after step ${summary.resumedFrom}`}${summary.outOfTime ? ` (time budget of ${config.schedule.maxMinutes} min reached)` : ''}; last step reward ${fmt(m['reward/mean'])}, success ${fmt(m['success_rate'])}, failed rollouts ${fmt(m['rollouts/failed'])}\n  run folder: ${run.dir}\n`,
    );
  } catch (error) {
    reportFailure('train', error, { runLog, runDir: run.dir });
    process.exitCode = 1;
  } finally {
    stop.release();
    await closeRun(started);
    runLog.close();
    await hooks.afterTraining?.(run.dir);
    // A run stopped by a signal closes its view too; a finished or failed one may keep it open.
    if (stop.signal.aborted) await logview?.close();
    else await logview?.finish(process.stdout);
  }
}
