import { appendFileSync } from 'node:fs';
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
import { AdminClient } from '../trainer/proxy-client/admin-client.ts';
import type { RunFolder } from '../trainer/run/run-folder.ts';
import { createSelector } from '../trainer/selectors/create-selector.ts';
import { describeTasks, readTasks } from '../trainer/tasks/read-tasks.ts';
import { createWorkflowRunner } from '../trainer/workflows/create-runner.ts';
import { startPythonHost, type PythonHost } from '../trainer/function-service/python-host.ts';
import { pythonHostPlan } from '../trainer/function-service/python-plan.ts';
import type { ProxyHandle } from './embedded-proxy.ts';

/** Numeric task columns the selector asked for, from task metadata. */
function featureColumns(tasks: readonly TrainerTask[], keys: readonly string[]): Record<string, number[]> {
  return Object.fromEntries(keys.map((key) => [key, tasks.map((t) => Number(t.metadata[key]))]));
}

/** Closes what a run opened, whether or not it got as far as building every part. */
export async function closeRun(deps: TrainerDeps | undefined, proxy: ProxyHandle): Promise<void> {
  deps?.sink.close();
  await deps?.pythonHost?.close();
  await deps?.publisher?.close();
  await deps?.learner.close();
  await deps?.admin.close();
  await proxy.close();
}

/** Builds every part of a run from its configuration; fails early, with a clear message, on what cannot work. */
export async function buildTrainer(loaded: LoadedConfig, run: RunFolder, proxy: ProxyHandle, signal: AbortSignal, out: NodeJS.WriteStream): Promise<TrainerDeps> {
  const log = (line: string) => appendFileSync(run.logFile, `${new Date().toISOString()} ${line}\n`);
  // The Python process of `type: python` functions starts first: the runner and judge call it.
  const plan = pythonHostPlan(loaded.config, loaded.baseDir, log);
  const pythonHost = plan === null ? undefined : await startPythonHost(plan);
  try {
    return await buildParts(loaded, run, proxy, { signal, out, log, pythonHost });
  } catch (error) {
    await pythonHost?.close();
    throw error;
  }
}

type BuildContext = { signal: AbortSignal; out: NodeJS.WriteStream; log: (line: string) => void; pythonHost: PythonHost | undefined };

async function buildParts(loaded: LoadedConfig, run: RunFolder, proxy: ProxyHandle, { signal, out, log, pythonHost }: BuildContext): Promise<TrainerDeps> {
  const { config, baseDir } = loaded;
  const services = pythonHost === undefined ? {} : { python: pythonHost };
  const trainTasks = await readTasks(config.tasks.train, baseDir);
  const validationTasks = config.tasks.validation === undefined ? [] : await readTasks(config.tasks.validation, baseDir);
  log(`train tasks: ${describeTasks(trainTasks)}`);
  if (validationTasks.length > 0) log(`validation tasks: ${describeTasks(validationTasks)}`);
  const runner = createWorkflowRunner(config.workflow, baseDir, services);
  const check = await runner.check();
  if (!check.ok) throw new Error(`workflow: ${check.message}`);
  const judge = await buildJudge(config.judge, baseDir, services);
  let learner: Learner;
  if (config.learner.type === 'worker') {
    out.write(`waiting for the learner at ${config.learner.url} (GET /health)…\n`);
    await waitForWorker(config.learner.url, 600_000);
    learner = createWorkerLearner(config.learner.url, config.learner.timeoutMs);
  } else {
    learner = createDebugLearner();
  }
  const { publish } = config.learner;
  const model = config.rollout.model ?? policyModelName(publish, proxy.engineModel);
  if (model === null && publish?.method === 'sglang-lora') throw new Error(`rollout.model: the engine reported no model name to build "<base>:${publish.loraName}" from; set it`);
  let publisher: WeightsPublisher | undefined;
  if (publish !== undefined) {
    const engineUrls = publish.engineUrls ?? config.proxy.engine.upstreams;
    const dir = resolve(baseDir, publish.dir);
    publisher = createWeightsPublisher({ config: publish, dir, engineUrls, learner, log });
    log(`publishing weights with ${publish.method} to ${engineUrls.join(', ')} through ${dir}`);
  }
  const selector = createSelector({ config: config.tasks.selector, taskCount: trainTasks.length, features: featureColumns(trainTasks, config.tasks.selector.featureKeys) });
  const partial = { config, trainTasks };
  return {
    config,
    baseDir,
    admin: new AdminClient(proxy.rootUrl, proxy.adminToken),
    model: model ?? 'default',
    runner,
    judge,
    ...(pythonHost === undefined ? {} : { pythonHost }),
    learner,
    ...(publisher === undefined ? {} : { publisher }),
    selector,
    trainTasks,
    validationTasks,
    sink: openMetricsSink({ runDir: run.dir }),
    progress: new ProgressDisplay({ stream: out, isTTY: out.isTTY === true, totalSteps: totalSteps(partial) }),
    run,
    log,
    signal,
  };
}
