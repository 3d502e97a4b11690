/**
 * Reads a task set as configured: the reader by `type`, the field mapping applied, ids checked for
 * uniqueness, and an empty result refused (training on no tasks is always a configuration mistake).
 *
 * @example
 * const tasks = await readTasks({ type: 'huggingface', path: 'datasets/gsm8k', split: 'test' }, configDir);
 * logger.info({ tasks: describeTasks(tasks) }, 'tasks read');
 */
import { resolve } from 'node:path';
import { EnvServiceClient } from './env-service-client.ts';
import { readHuggingFaceRows } from './huggingface-rows.ts';
import { readJsonlRows } from './jsonl-rows.ts';
import { assertUniqueIds, tasksFromRows } from './map-rows.ts';
import { taskError } from './task-errors.ts';
import {
  type EnvServiceReaderConfig,
  type Task,
  type TaskReaderConfig,
  type TaskReaderConfigInput,
  TaskReaderConfigSchema,
} from './task-types.ts';

/** What an `env_service` task carries besides its id. */
export type EnvServiceTaskMetadata = { envType: string; split: string };

/**
 * One task per id the service lists. The service owns the prompt — the first observation `create`
 * returns — so `query` is empty and the workflow starts an instance from `metadata.envType` and the id.
 */
async function readEnvServiceTasks(config: EnvServiceReaderConfig): Promise<Task[]> {
  const client = new EnvServiceClient({ url: config.url, timeoutMs: config.timeoutMs, connections: 1 });
  try {
    const ids = await client.listTasks(config.envType, config.split);
    const tasks = ids.map((id, index): Task => {
      const metadata: EnvServiceTaskMetadata = { envType: config.envType, split: config.split };
      return { id, index, query: '', metadata };
    });
    assertUniqueIds(tasks, (index) => `${config.url} task list position ${index}`);
    return tasks;
  } finally {
    await client.close();
  }
}

function sourceName(config: TaskReaderConfig, baseDir: string): string {
  switch (config.type) {
    case 'jsonl':
      return resolve(baseDir, config.path);
    case 'huggingface': {
      const subset = config.config === undefined ? '' : ` config "${config.config}"`;
      return `${resolve(baseDir, config.path)} split "${config.split}"${subset}`;
    }
    case 'env_service':
      return `${config.url} env "${config.envType}" split "${config.split}"`;
  }
}

async function readByType(config: TaskReaderConfig, baseDir: string): Promise<Task[]> {
  switch (config.type) {
    case 'jsonl':
      return tasksFromRows(await readJsonlRows(resolve(baseDir, config.path)), config.fields);
    case 'huggingface':
      return tasksFromRows(await readHuggingFaceRows(config, baseDir), config.fields);
    case 'env_service':
      return readEnvServiceTasks(config);
  }
}

/** Reads every task of the configured source; relative paths start at `baseDir` (the config file's folder). */
export async function readTasks(config: TaskReaderConfigInput, baseDir: string): Promise<Task[]> {
  const parsed = TaskReaderConfigSchema.parse(config);
  const tasks = await readByType(parsed, baseDir);
  if (tasks.length === 0) {
    throw taskError('RC_ERR_TASKS_EMPTY', `No tasks in ${sourceName(parsed, baseDir)}`);
  }
  return tasks;
}

function listKeys(tasks: readonly Task[]): string {
  const keys = new Set<string>();
  for (const task of tasks) for (const key of Object.keys(task.metadata)) keys.add(key);
  if (keys.size === 0) return 'none';
  const sorted = [...keys].sort();
  return sorted.length <= 8 ? sorted.join(', ') : `${sorted.slice(0, 8).join(', ')} +${sorted.length - 8} more`;
}

/**
 * One line a person can check a task set by: count, id range, answers, query lengths, metadata.
 * A wrong field mapping shows up here as "0 with a reference answer" or an unexpected key.
 */
export function describeTasks(tasks: readonly Task[]): string {
  const first = tasks[0];
  const last = tasks[tasks.length - 1];
  if (first === undefined || last === undefined) return '0 tasks';
  let withAnswer = 0;
  let minChars = Number.POSITIVE_INFINITY;
  let maxChars = 0;
  let totalChars = 0;
  for (const task of tasks) {
    if (task.referenceAnswer !== undefined) withAnswer += 1;
    minChars = Math.min(minChars, task.query.length);
    maxChars = Math.max(maxChars, task.query.length);
    totalChars += task.query.length;
  }
  const ids = tasks.length === 1 ? `id ${first.id}` : `ids ${first.id} … ${last.id}`;
  const queries =
    maxChars === 0
      ? 'no query text (the environment gives the prompt)'
      : `query ${minChars}–${maxChars} chars (mean ${Math.round(totalChars / tasks.length)})`;
  const noun = tasks.length === 1 ? 'task' : 'tasks';
  return `${tasks.length} ${noun}, ${ids}, ${withAnswer} with a reference answer, ${queries}, metadata keys: ${listKeys(tasks)}`;
}
