/**
 * Finds the files of one split in a local Hugging Face dataset folder. Layouts, tried in this
 * order under `base` (= `<path>/<config>` when a config is given, else `<path>`); the first that
 * holds files wins and the others are not mixed in:
 *
 * 1. `base/<split>-*.ext` or `base/<split>.ext`          hub repos, `to_parquet`/`to_json` output
 * 2. `base/data/<split>-*.ext` or `base/data/<split>.ext` hub repos with a `data/` folder
 * 3. `base/<split>/*.ext`                                `save_to_disk` of a DatasetDict (Arrow), parquet conversions
 * 4. `base/data/<split>/*.ext`
 * 5. `base/data-*.arrow` with `base/state.json`          `save_to_disk` of one Dataset; its split is
 *                                                        `state.json`'s `_split`, `train` when unset
 *
 * Within one layout, one format is read, preferring parquet, then Arrow, JSONL, JSON; shards are
 * concatenated in name order (hub and `save_to_disk` names are zero-padded, so that is row order).
 * Where a `state.json` exists, its `_data_files` list is the shard list instead: `map()` leaves
 * `cache-*.arrow` files beside the data that are not part of the dataset.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { taskError } from './task-errors.ts';

export const SHARD_FORMATS = ['parquet', 'arrow', 'jsonl', 'json'] as const;
export type ShardFormat = (typeof SHARD_FORMATS)[number];
export type SplitShard = { path: string; format: ShardFormat };

/** Folder metadata that `save_to_disk` and the hub leave beside the data. */
const METADATA_FILES = new Set(['dataset_info.json', 'state.json', 'dataset_dict.json']);
/** Shard names that carry no split (`data-00000-of-00001.arrow`, `0000.parquet`). */
const SPLITLESS_PREFIX = /^(data|\d+)$/;

type Listing = { files: string[]; dirs: string[] };

/** Files and folders of `dir`; a symbolic link counts as what it points to (the hub's cache links snapshot files to blobs). */
async function list(dir: string): Promise<Listing> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    const visible = entries.filter((entry) => !entry.name.startsWith('.'));
    const kinds = await Promise.all(
      visible.map(async (entry) => {
        if (!entry.isSymbolicLink()) return { name: entry.name, isFile: entry.isFile(), isDir: entry.isDirectory() };
        const target = await stat(join(dir, entry.name)).catch(() => null);
        return { name: entry.name, isFile: target?.isFile() === true, isDir: target?.isDirectory() === true };
      }),
    );
    return {
      files: kinds.filter((k) => k.isFile).map((k) => k.name).sort(),
      dirs: kinds.filter((k) => k.isDir).map((k) => k.name).sort(),
    };
  } catch {
    return { files: [], dirs: [] };
  }
}

function formatOf(name: string): ShardFormat | undefined {
  if (METADATA_FILES.has(name)) return undefined;
  return SHARD_FORMATS.find((format) => name.endsWith(`.${format}`));
}

/** The split a file name stands for (`train-00000-of-00001.parquet` → `train`), if any. */
function splitOfFile(name: string): string | undefined {
  if (formatOf(name) === undefined) return undefined;
  const prefix = /^(\w+?)[-.]/.exec(name)?.[1];
  return prefix === undefined || SPLITLESS_PREFIX.test(prefix) ? undefined : prefix;
}

function pickFormat(dir: string, names: string[]): SplitShard[] {
  for (const format of SHARD_FORMATS) {
    const chosen = names.filter((name) => formatOf(name) === format);
    if (chosen.length > 0) return chosen.map((name) => ({ path: join(dir, name), format }));
  }
  return [];
}

async function splitFilesIn(dir: string, split: string): Promise<SplitShard[]> {
  const { files } = await list(dir);
  return pickFormat(dir, files.filter((name) => splitOfFile(name) === split));
}

type SavedState = { split: string; files: string[] };

/** `save_to_disk`'s `state.json`: `{ _data_files: [{ filename }], _split }`. */
async function readSavedState(dir: string): Promise<SavedState | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const { _data_files: dataFiles, _split: split } = parsed as { _data_files?: unknown; _split?: unknown };
  if (!Array.isArray(dataFiles)) return undefined;
  const files = dataFiles
    .map((entry: unknown) => (entry as { filename?: unknown } | null)?.filename)
    .filter((name): name is string => typeof name === 'string');
  return { split: typeof split === 'string' ? split : 'train', files };
}

async function filesOfDir(dir: string): Promise<SplitShard[]> {
  const state = await readSavedState(dir);
  if (state !== undefined) return pickFormat(dir, state.files);
  const { files } = await list(dir);
  return pickFormat(dir, files);
}

async function savedDatasetFiles(base: string, split: string): Promise<SplitShard[]> {
  const state = await readSavedState(base);
  return state !== undefined && state.split === split ? pickFormat(base, state.files) : [];
}

/** A subfolder holding data files that name no split of their own is a split folder; else a config. */
async function classifyDirs(dir: string): Promise<{ splitDirs: string[]; configDirs: string[] }> {
  const splitDirs: string[] = [];
  const configDirs: string[] = [];
  for (const name of (await list(dir)).dirs) {
    if (name === 'data') continue;
    const inner = await list(join(dir, name));
    const named = inner.files.some((file) => splitOfFile(file) !== undefined);
    const isConfig = named || (await list(join(dir, name, 'data'))).files.some((file) => splitOfFile(file) !== undefined);
    if (isConfig) configDirs.push(name);
    else if (inner.files.some((file) => formatOf(file) !== undefined)) splitDirs.push(name);
  }
  return { splitDirs, configDirs };
}

async function existingSplits(base: string): Promise<string[]> {
  const names = new Set<string>();
  for (const dir of [base, join(base, 'data')]) {
    for (const file of (await list(dir)).files) {
      const split = splitOfFile(file);
      if (split !== undefined) names.add(split);
    }
    for (const name of (await classifyDirs(dir)).splitDirs) names.add(name);
  }
  const state = await readSavedState(base);
  if (state !== undefined) names.add(state.split);
  return [...names].sort();
}

async function missingSplitError(root: string, base: string, split: string, config: string | undefined): Promise<Error> {
  const splits = await existingSplits(base);
  const where = config === undefined ? root : `${root} (config "${config}")`;
  let hint = splits.length > 0 ? `splits found: ${splits.join(', ')}` : 'no splits found there';
  if (config === undefined) {
    const { configDirs } = await classifyDirs(root);
    if (configDirs.length > 0) hint += `; configs found: ${configDirs.join(', ')} (set config)`;
  }
  return taskError('RC_ERR_TASKS_SPLIT_NOT_FOUND', `No split "${split}" in ${where}; ${hint}`);
}

export async function findSplitShards(root: string, split: string, config?: string): Promise<SplitShard[]> {
  const top = await list(root);
  if (top.files.length === 0 && top.dirs.length === 0) {
    throw taskError('RC_ERR_TASKS_NOT_FOUND', `No dataset folder at ${root} (missing, empty or a file; a single .jsonl file is type "jsonl")`);
  }
  const base = config === undefined ? root : join(root, config);
  if (config !== undefined && !top.dirs.includes(config)) {
    const { configDirs } = await classifyDirs(root);
    const found = configDirs.length > 0 ? `configs found: ${configDirs.join(', ')}` : 'no config folders found';
    throw taskError('RC_ERR_TASKS_SPLIT_NOT_FOUND', `No config "${config}" in ${root}; ${found}`);
  }
  const layouts = [
    () => splitFilesIn(base, split),
    () => splitFilesIn(join(base, 'data'), split),
    () => filesOfDir(join(base, split)),
    () => filesOfDir(join(base, 'data', split)),
    () => savedDatasetFiles(base, split),
  ];
  for (const layout of layouts) {
    const shards = await layout();
    if (shards.length > 0) return shards;
  }
  throw await missingSplitError(root, base, split, config);
}
