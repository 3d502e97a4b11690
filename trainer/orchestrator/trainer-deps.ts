import type { PythonHost } from '../function-service/python-host.ts';
import type { Judge } from '../judges/judge-types.ts';
import type { Learner } from '../learners/learner-types.ts';
import type { WeightsPublisher } from '../learners/weights-publisher.ts';
import type { ProgressDisplay } from '../metrics/progress-display.ts';
import type { RunMetricsSink } from '../metrics/metrics-sink.ts';
import type { ProxyPool } from '../proxy-client/proxy-pool.ts';
import type { RunFolder } from '../run/run-folder.ts';
import type { TaskSelector } from '../selectors/selector-types.ts';
import type { WorkflowRunner } from '../workflows/workflow-types.ts';
import type { TrainerConfig } from '../config/trainer-config.ts';
import type { TrainerTask } from './rollout-outcome.ts';

/** Everything a training run uses, built once by the entry point and passed in. */
export type TrainerDeps = {
  config: TrainerConfig;
  baseDir: string;
  /** The proxies rollouts are recorded by (one unless `proxy.urls` lists several). */
  proxies: ProxyPool;
  /** The model name workflows send (the engine's served model unless configured). */
  model: string;
  runner: WorkflowRunner;
  judge: Judge;
  /** The Python process of `type: python` workflow and judge functions; closed with the run. */
  pythonHost?: PythonHost;
  learner: Learner;
  /** Set with `learner.publish`: puts the learner's weights behind the external engines. */
  publisher?: WeightsPublisher;
  selector: TaskSelector;
  trainTasks: TrainerTask[];
  validationTasks: TrainerTask[];
  sink: RunMetricsSink;
  progress: ProgressDisplay;
  run: RunFolder;
  /** One line to the run log (workflow stderr, failures, notices). */
  log: (line: string) => void;
  signal: AbortSignal;
};
