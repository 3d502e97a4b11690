/**
 * Rows of one split of a local Hugging Face dataset folder: its shards (found by
 * `hf-split-files.ts`) decoded — parquet, Arrow IPC (stream or file), JSONL or JSON — to plain JSON
 * objects and concatenated in name order. Decoding failures name the file; hyparquet reads
 * uncompressed and snappy parquet, the codecs `datasets` and the hub write by default.
 *
 * Default ids are `<split>:<row>` over the whole split, so they do not change when the same data
 * is re-sharded or converted between parquet, Arrow and JSONL.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { findSplitShards, type ShardFormat } from './hf-split-files.ts';
import { readJsonlRows } from './jsonl-rows.ts';
import { rowToPlainJson, toPlainJson } from './plain-json.ts';
import { describeThrown, isTaskError, taskError } from './task-errors.ts';
import type { SourceRow } from './task-types.ts';

type ShardRow = Omit<SourceRow, 'defaultId'>;

async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = await parquetReadObjects({ file: await asyncBufferFromFile(path) });
  return rows.map((row) => rowToPlainJson(row));
}

async function readArrow(path: string): Promise<Record<string, unknown>[]> {
  const table = tableFromIPC(await readFile(path));
  const names = table.schema.fields.map((field) => field.name);
  const columns = names.map((name) => table.getChild(name));
  const rows: Record<string, unknown>[] = [];
  for (let index = 0; index < table.numRows; index += 1) {
    const row: Record<string, unknown> = {};
    names.forEach((name, column) => {
      row[name] = toPlainJson(columns[column]?.get(index));
    });
    rows.push(row);
  }
  return rows;
}

/** A `.json` shard is either one JSON array of objects or, as `datasets` writes it, JSON Lines. */
async function readJson(path: string): Promise<ShardRow[] | undefined> {
  const text = await readFile(path, 'utf8');
  if (!text.trimStart().startsWith('[')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw taskError('RC_ERR_TASKS_BAD_JSON', `${path}: not valid JSON (${describeThrown(error)})`, { cause: error });
  }
  if (!Array.isArray(parsed)) return undefined;
  return parsed.map((item: unknown, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw taskError('RC_ERR_TASKS_BAD_JSON', `${path} item ${index}: expected a JSON object`);
    }
    return { values: item as Record<string, unknown>, where: `${path} item ${index}` };
  });
}

function located(path: string, rows: Record<string, unknown>[]): ShardRow[] {
  return rows.map((values, index) => ({ values, where: `${path} row ${index}` }));
}

async function decode(path: string, format: ShardFormat): Promise<ShardRow[]> {
  switch (format) {
    case 'parquet':
      return located(path, await readParquet(path));
    case 'arrow':
      return located(path, await readArrow(path));
    case 'json':
      return (await readJson(path)) ?? (await readJsonlRows(path));
    case 'jsonl':
      return readJsonlRows(path);
  }
}

async function readShardRows(path: string, format: ShardFormat): Promise<ShardRow[]> {
  try {
    return await decode(path, format);
  } catch (error) {
    if (isTaskError(error)) throw error;
    throw taskError('RC_ERR_TASKS_UNREADABLE', `Cannot read ${format} file ${path}: ${describeThrown(error)}`, {
      cause: error,
    });
  }
}

export type HuggingFaceSource = { path: string; split: string; config?: string };

export async function readHuggingFaceRows(source: HuggingFaceSource, baseDir: string): Promise<SourceRow[]> {
  const root = resolve(baseDir, source.path);
  const shards = await findSplitShards(root, source.split, source.config);
  const rows: SourceRow[] = [];
  for (const shard of shards) {
    for (const row of await readShardRows(shard.path, shard.format)) {
      rows.push({ values: row.values, where: row.where, defaultId: `${source.split}:${rows.length}` });
    }
  }
  return rows;
}
