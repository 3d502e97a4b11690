/**
 * Builds dataset folders in a temporary directory for the task-reader tests: hub layouts with
 * parquet shards (written by the tiny parquet writer) and `save_to_disk` layouts with Arrow IPC
 * stream files (written by apache-arrow), plus the real GSM8K files in `shared/`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Field, Float64, Int64, List, Struct, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { type ParquetColumn, writeParquet } from './tiny-parquet-writer.ts';

/** `shared/` sits beside the repository (CI clones it to the same relative place). */
export const GSM8K_DIR = fileURLToPath(new URL('../../../../../shared/datasets/gsm8k/', import.meta.url));

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'rollcall-tasks-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function writeFileDeep(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}

export async function writeParquetFile(path: string, columns: readonly ParquetColumn[]): Promise<void> {
  await writeFileDeep(path, writeParquet(columns));
}

export type MathRow = { problem: string; solution: string; uid: bigint; tags: string[]; source: string; difficulty: number };

/** An Arrow table with the column types `datasets` produces: text, INT64, a list and a struct. */
export function mathTable(rows: readonly MathRow[]): Table {
  return new Table({
    problem: vectorFromArray(rows.map((row) => row.problem), new Utf8()),
    solution: vectorFromArray(rows.map((row) => row.solution), new Utf8()),
    uid: vectorFromArray(rows.map((row) => row.uid), new Int64()),
    tags: vectorFromArray(rows.map((row) => row.tags), new List(new Field('item', new Utf8(), true))),
    info: vectorFromArray(
      rows.map((row) => ({ source: row.source, difficulty: row.difficulty })),
      new Struct([new Field('source', new Utf8(), true), new Field('difficulty', new Float64(), true)]),
    ),
  });
}

/** One split folder as `DatasetDict.save_to_disk` leaves it: Arrow stream shards plus state.json. */
export async function writeSavedSplit(splitDir: string, shards: readonly Table[], split: string | null): Promise<void> {
  const names = shards.map((_, index) => `data-${String(index).padStart(5, '0')}-of-${String(shards.length).padStart(5, '0')}.arrow`);
  for (const [index, table] of shards.entries()) {
    await writeFileDeep(join(splitDir, names[index] ?? ''), tableToIPC(table, 'stream'));
  }
  const state = { _data_files: names.map((filename) => ({ filename })), _fingerprint: 'f00d', _split: split };
  await writeFileDeep(join(splitDir, 'state.json'), JSON.stringify(state));
  await writeFileDeep(join(splitDir, 'dataset_info.json'), JSON.stringify({ features: {} }));
}
