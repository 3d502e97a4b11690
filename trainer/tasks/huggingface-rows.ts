/**
 * Rows of one split of a local Hugging Face dataset folder, shards concatenated in name order.
 * Default ids are `<split>:<row>` over the whole split, so they do not change when the same data
 * is re-sharded or converted between parquet, Arrow and JSONL.
 */
import { resolve } from 'node:path';
import { findSplitShards } from './hf-split-files.ts';
import { readShardRows } from './hf-shard-rows.ts';
import type { SourceRow } from './source-row.ts';

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
