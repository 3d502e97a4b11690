import { join } from 'node:path';

/**
 * The run folder's layout: `runs/<project>/<experiment>-<timestamp>/` holds the
 * resolved config, metrics, TensorBoard events, checkpoints, exported batches, the trajectory
 * database and the run log. The trainer writes it; the log view reads it. Both take the names
 * from here.
 */
export type RunFolder = {
  dir: string;
  configFile: string;
  metricsFile: string;
  checkpointsDir: string;
  batchesDir: string;
  databaseFile: string;
  logFile: string;
};

export const METRICS_FILE_NAME = 'metrics.jsonl';

export function runFolderAt(dir: string): RunFolder {
  return {
    dir,
    configFile: join(dir, 'config.yaml'),
    metricsFile: join(dir, METRICS_FILE_NAME),
    checkpointsDir: join(dir, 'checkpoints'),
    batchesDir: join(dir, 'batches'),
    databaseFile: join(dir, 'trajectories.db'),
    logFile: join(dir, 'run.log'),
  };
}

/** `batches/step_<n>.jsonl`: the samples a step trained on, one JSON row each (see batch-row.ts). */
export const batchFilePath = (folder: RunFolder, step: number): string => join(folder.batchesDir, `step_${step}.jsonl`);

/** The step of a batch file name, or null for any other file. */
export function stepOfBatchFile(name: string): number | null {
  const match = /^step_(\d+)\.jsonl$/.exec(name);
  return match === null ? null : Number(match[1]);
}
