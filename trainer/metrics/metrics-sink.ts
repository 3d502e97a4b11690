/**
 * Where a training step's metrics go: `metrics.jsonl` and a TensorBoard event file in the run
 * folder (`src/run/run-layout.ts`). `tensorboard --logdir runs/<project>` then lists each experiment folder as
 * a run, because the event file sits directly in it.
 *
 * Both outputs get the same step, the same metrics and the same clock reading, so a line of
 * metrics.jsonl and its TensorBoard event carry equal times. The JSON line is written first: its
 * checks are a superset of TensorBoard's, so a bad record is refused before either file changes.
 *
 * @example
 * const sink = openMetricsSink({ runDir });
 * sink.write(1, { 'reward/mean': 0.42, 'rollout/failed': 0 });
 * sink.close();
 */

import { join } from 'node:path';

import { METRICS_FILE_NAME } from '../../src/run/run-layout.ts';
import type { MetricRecord } from './metric-checks.ts';
import { MetricsLog } from './metrics-log.ts';
import { TensorBoardWriter } from './tensorboard-writer.ts';

/** Receives one record of metrics per training step. */
export type MetricsSink = {
  write(step: number, metrics: MetricRecord): void;
  close(): void;
};

export type MetricsSinkOptions = {
  /** The run folder, `runs/<project>/<experiment>-<timestamp>/`. */
  readonly runDir: string;
  /** File name of the JSON lines log in the run folder (default `metrics.jsonl`). */
  readonly metricsFileName?: string;
  /** Write TensorBoard event files (default true). */
  readonly isTensorBoardEnabled?: boolean;
  /** Folder for event files (default: the run folder itself). */
  readonly tensorboardDir?: string;
  /** Clock in milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** Host part of the event file name (default `os.hostname()`). */
  readonly hostname?: string;
  /** fsync both files after each step (default false: flushed to the OS only). */
  readonly fsync?: boolean;
  /** Significant digits of non-integer values in metrics.jsonl (default 10). */
  readonly significantDigits?: number;
};

/** The sink of a run folder; exposes the paths it writes for logging and tests. */
export class RunMetricsSink implements MetricsSink {
  constructor(
    private readonly log: MetricsLog,
    private readonly tensorboard: TensorBoardWriter | undefined,
    private readonly now: () => number,
  ) {}

  get metricsPath(): string {
    return this.log.path;
  }

  /** Path of the event file, or undefined when TensorBoard output is off. */
  get eventFilePath(): string | undefined {
    return this.tensorboard?.path;
  }

  /** Writes the step to both outputs; see the module header for the order and checks. */
  write(step: number, metrics: MetricRecord): void {
    const atMs = this.now();
    this.log.append(step, metrics, atMs);
    this.tensorboard?.addScalars(step, metrics, atMs);
  }

  /** Closes both files, the event file even if closing the log fails; repeat calls do nothing. */
  close(): void {
    try {
      this.log.close();
    } finally {
      this.tensorboard?.close();
    }
  }
}

/** Opens (creating as needed) the metrics files of a run folder. */
export function openMetricsSink(options: MetricsSinkOptions): RunMetricsSink {
  const now = options.now ?? Date.now;
  const log = MetricsLog.open({
    path: join(options.runDir, options.metricsFileName ?? METRICS_FILE_NAME),
    now,
    fsync: options.fsync,
    significantDigits: options.significantDigits,
  });
  if (options.isTensorBoardEnabled === false) return new RunMetricsSink(log, undefined, now);
  try {
    const tensorboard = TensorBoardWriter.open({
      logDir: options.tensorboardDir ?? options.runDir,
      now,
      hostname: options.hostname,
      fsync: options.fsync,
    });
    return new RunMetricsSink(log, tensorboard, now);
  } catch (error) {
    log.close();
    throw error;
  }
}
