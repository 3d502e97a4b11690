import { relative, resolve } from 'node:path';
import { readCommandLine, usageLine, type CommandSpec } from '../src/config/command-line.ts';
import { isRollcallError } from '../src/errors/rollcall-error.ts';
import { remedyOf } from '../src/errors/remedies.ts';
import { downloadFile } from './data/download-file.ts';
import { authHeaders, hubDataset, listConvertedParquet, listParquetFiles, type HubFile } from './data/hub-client.ts';
import { formatBytes, ProgressBar } from './data/progress-bar.ts';
import { RollcallError } from '../src/errors/rollcall-error.ts';

export const DATA_SPEC = {
  name: 'data',
  summary: "download a Hugging Face dataset's parquet files into a folder the task reader reads",
  positionals: 'get REPO',
  flags: {
    dir: { type: 'string', value: 'DIR', help: 'where to put it (default: data/REPO)' },
    revision: { type: 'string', value: 'REV', help: 'branch, tag or commit (default: main)' },
  },
  notes: [
    'environment: HF_TOKEN (sent as a Bearer token, for gated or private datasets), HF_ENDPOINT (a mirror instead of https://huggingface.co)',
    'An interrupted download resumes where it stopped when run again; files already complete are kept.',
    'example: rollcall data get openai/gsm8k   → data/openai/gsm8k/main/{train,test}-*.parquet',
  ],
} as const satisfies CommandSpec;

/** The splits (and configs) a download holds, read off its paths: hub names and the conversion's folders. */
export function splitsOf(paths: readonly string[]): { config?: string; split: string }[] {
  const found = new Map<string, { config?: string; split: string }>();
  for (const path of paths) {
    const parts = path.split('/');
    const name = parts.at(-1) ?? '';
    const fromName = /^([A-Za-z]\w*?)[-.]/.exec(name)?.[1];
    const split = fromName ?? parts.at(-2);
    const dirs = parts.slice(0, fromName === undefined ? -2 : -1).filter((dir) => dir !== 'data');
    if (split === undefined || split === 'data') continue;
    const entry = dirs.length === 0 ? { split } : { config: dirs.join('/'), split };
    found.set(`${entry.config ?? ''}/${split}`, entry);
  }
  return [...found.values()];
}

async function download(files: HubFile[], dir: string, headers: Record<string, string>): Promise<number> {
  let total = 0;
  for (const file of files) {
    const bar = new ProgressBar(process.stderr, file.path);
    const result = await downloadFile(file, resolve(dir, file.path), headers, ({ done, total: size }) => bar.update(done, size));
    bar.finish(`${formatBytes(result.bytes)} ${result.status === 'present' ? 'already here' : result.status}`);
    total += result.bytes;
  }
  return total;
}

/** `rollcall data get REPO`: the dataset's parquet files (or the hub's conversion of it), resumable. */
export async function dataCommand(argv: string[]): Promise<void> {
  const line = readCommandLine(DATA_SPEC, argv);
  if (line === null) return;
  const [action, repo, ...extra] = line.positionals;
  if (action !== 'get' || repo === undefined || !/^[\w.-]+(\/[\w.-]+)?$/.test(repo) || extra.length > 0) {
    process.stderr.write(`rollcall data: expected "get" and a dataset name such as openai/gsm8k\n${usageLine(DATA_SPEC)}\n`);
    process.exitCode = 2;
    return;
  }
  const hub = hubDataset(repo, line.values.revision ?? 'main', process.env);
  const dir = resolve(line.values.dir ?? `data/${repo}`);
  try {
    let files = await listParquetFiles(hub);
    const source = files.length > 0 ? `${hub.endpoint}/datasets/${repo}` : `the hub's parquet conversion of ${repo}`;
    if (files.length === 0) files = await listConvertedParquet(hub);
    if (files.length === 0) throw new RollcallError('RC_ERR_DATA_NO_FILES', { repo, revision: hub.revision });
    process.stderr.write(`rollcall data: ${files.length} parquet file${files.length === 1 ? '' : 's'} from ${source} (revision ${hub.revision}) into ${dir}\n`);
    const bytes = await download(files, dir, authHeaders(hub));
    const path = relative(process.cwd(), dir) || '.';
    const splits = splitsOf(files.map((f) => f.path));
    const example = splits.find((s) => s.split === 'train') ?? splits[0];
    process.stdout.write(`${repo}: ${files.length} file${files.length === 1 ? '' : 's'}, ${formatBytes(bytes)} in ${path}\n`);
    process.stdout.write(`  splits: ${splits.map((s) => (s.config === undefined ? s.split : `${s.config}/${s.split}`)).join(', ')}\n`);
    if (example !== undefined) {
      process.stdout.write(`  in a run configuration (paths relative to the configuration file):\n    tasks: { train: { type: huggingface, path: ${path}${example.config === undefined ? '' : `, config: ${example.config}`}, split: ${example.split} } }\n`);
    }
  } catch (error) {
    process.stderr.write(`rollcall data: ${(error as Error).message}\n${isRollcallError(error) ? `  hint: ${remedyOf(error.code).fix}\n` : ''}`);
    process.exitCode = 1;
  }
}
