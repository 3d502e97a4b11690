import { resolve } from 'node:path';
import type { LoadedConfig } from '../trainer/config/load-trainer-config.ts';
import { policyModelName } from '../trainer/config/publish-config.ts';
import { createDebugLearner } from '../trainer/learners/debug-learner.ts';
import type { Learner } from '../trainer/learners/learner-types.ts';
import { createWeightsPublisher, type WeightsPublisher } from '../trainer/learners/weights-publisher.ts';
import { createWorkerLearner, waitForWorker } from '../trainer/learners/worker-learner.ts';
import { openMetricsSink } from '../trainer/metrics/metrics-sink.ts';
import { ProgressDisplay } from '../trainer/metrics/progress-display.ts';
import { buildJudge } from '../trainer/orchestrator/build-judge.ts';
import type { TrainerTask } from '../trainer/orchestrator/rollout-outcome.ts';
import type { TrainerDeps } from '../trainer/orchestrator/trainer-deps.ts';
import { totalSteps } from '../trainer/orchestrator/training-loop.ts';
import { ProxyPool } from '../trainer/proxy-client/proxy-pool.ts';
import type { RunFolder } from '../trainer/run/run-folder.ts';
import type { RunLog } from '../trainer/run/run-log.ts';
import { createSelector } from '../trainer/selectors/create-selector.ts';
import { describeTasks, readTasks } from '../trainer/tasks/read-tasks.ts';
import { createWorkflowRunner } from '../trainer/workflows/create-runner.ts';
import { startPythonHost, type PythonHost } from '../trainer/function-service/python-host.ts';
import { pythonHostPlan } from '../trainer/function-service/python-plan.ts';
import { startProxyForTraining, type ProxyHandle } from './embedded-proxy.ts';
import { checkEnginesAtStart } from './engine-preflight.ts';

/** One `train` or `eval` invocation: what it was given and where it writes. */
export type RunSession = {
  loaded: LoadedConfig;
  run: RunFolder;
  runLog: RunLog;
  signal: AbortSignal;
  out: NodeJS.WriteStream;
  /** False for `eval` without a checkpoint: no learner is waited for, no weights published. */
  usesLearner: boolean;
  /** Progress line title instead of `step i/n` (eval). */
  progressTitle?: string;
};

export type StartedRun = { proxy: ProxyHandle; deps: TrainerDeps };

type Services = { python?: PythonHost };

/** Numeric task columns the selector asked for, from task metadata. */
function featureColumns(tasks: readonly TrainerTask[], keys: readonly string[]): Record<string, number[]> {
  return Object.fromEntries(keys.map((key) => [key, tasks.map((t) => Number(t.metadata[key]))]));
}

/** Closes what a run opened, whether or not it got as far as building every part. */
export async function closeRun(started: Partial<StartedRun>): Promise<void> {
  started.deps?.sink.close();
  await started.deps?.pythonHost?.close();
  await started.deps?.publisher?.close();
  await started.deps?.learner.close();
  await started.deps?.proxies.close();
  await started.proxy?.close();
}

async function openLearner(session: RunSession): Promise<Learner> {
  const { learner } = session.loaded.config;
  if (!session.usesLearner || learner.type !== 'worker') return createDebugLearner();
  session.out.write(`waiting for the learner at ${learner.url} (GET /health)…\n`);
  await waitForWorker(learner.url, 600_000);
  return createWorkerLearner(learner.url, learner.timeoutMs);
}

function openPublisher(session: RunSession, learner: Learner): WeightsPublisher | undefined {
  const { config, baseDir } = session.loaded;
  const { publish } = config.learner;
  if (publish === undefined || !session.usesLearner) return undefined;
  const engineUrls = publish.engineUrls ?? config.proxy.engine.upstreams;
  const dir = resolve(baseDir, publish.dir);
  session.runLog.line(`publishing weights with ${publish.method} to ${engineUrls.join(', ')} through ${dir}`);
  return createWeightsPublisher({ config: publish, dir, engineUrls, learner, log: (line) => session.runLog.line(line) });
}

/**
 * Starts a run: everything that can be checked without the engine (tasks, workflow, judge), the
 * learner when it is needed, the engine, then the proxy and the parts that talk to it. Fails early,
 * with a clear message, on what cannot work; whatever was opened is closed again.
 */
export async function startRun(session: RunSession): Promise<StartedRun> {
  // The Python process of `type: python` functions starts first: the runner and judge call it.
  const plan = pythonHostPlan(session.loaded.config, session.loaded.baseDir, (line) => session.runLog.line(line));
  const pythonHost = plan === null ? undefined : await startPythonHost(plan);
  try {
    return await startParts(session, pythonHost === undefined ? {} : { python: pythonHost });
  } catch (error) {
    await pythonHost?.close();
    throw error;
  }
}

async function startParts(session: RunSession, services: Services): Promise<StartedRun> {
  const { config, baseDir } = session.loaded;
  const log = (line: string) => session.runLog.line(line);
  const trainTasks = await readTasks(config.tasks.train, baseDir);
  const validationTasks = config.tasks.validation === undefined ? [] : await readTasks(config.tasks.validation, baseDir);
  log(`train tasks: ${describeTasks(trainTasks)}`);
  if (validationTasks.length > 0) log(`validation tasks: ${describeTasks(validationTasks)}`);
  const runner = createWorkflowRunner(config.workflow, baseDir, services);
  const check = await runner.check();
  if (!check.ok) throw new Error(`workflow: ${check.message}`);
  const judge = await buildJudge(config.judge, baseDir, services);
  const learner = await openLearner(session);
  const started: Partial<StartedRun> = {};
  try {
    await checkEnginesAtStart(config);
    started.proxy = await startProxyForTraining(config.proxy, session.run.databaseFile, session.runLog);
    // Without the learner (eval without a checkpoint) no adapter is published: the engine's own model is evaluated.
    const publish = session.usesLearner ? config.learner.publish : undefined;
    const model = config.rollout.model ?? policyModelName(publish, started.proxy.engineModel);
    if (model === null && publish?.method === 'sglang-lora') throw new Error(`rollout.model: the engine reported no model name to build "<base>:${publish.loraName}" from; set it`);
    const publisher = openPublisher(session, learner);
    const selector = createSelector({ config: config.tasks.selector, taskCount: trainTasks.length, features: featureColumns(trainTasks, config.tasks.selector.featureKeys) });
    const deps: TrainerDeps = {
      config,
      baseDir,
      proxies: new ProxyPool(started.proxy.rootUrls, started.proxy.adminToken, log),
      model: model ?? 'default',
      runner,
      judge,
      ...(services.python === undefined ? {} : { pythonHost: services.python }),
      learner,
      ...(publisher === undefined ? {} : { publisher }),
      selector,
      trainTasks,
      validationTasks,
      sink: openMetricsSink({ runDir: session.run.dir }),
      progress: new ProgressDisplay({ stream: session.out, isTTY: session.out.isTTY === true, totalSteps: totalSteps({ config, trainTasks }), ...(session.progressTitle === undefined ? {} : { title: session.progressTitle }) }),
      run: session.run,
      log,
      signal: session.signal,
    };
    return { proxy: started.proxy, deps };
  } catch (error) {
    await learner.close();
    await started.proxy?.close();
    throw error;
  }
}
