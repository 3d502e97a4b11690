import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { runFolderAt, type RunFolder } from '../../src/run/run-layout.ts';
import { RunSource } from './run-source.ts';

/** The runs a view shows, by id. */
export type RunCatalog = {
  /** Every run, newest first; a folder catalog looks for new runs on each call. */
  list(): RunSource[];
  /** The run with this id; RC_ERR_VIEW_NOT_FOUND when there is none. */
  get(id: string): RunSource;
  close(): void;
};

/** `runs/<project>/<experiment>-<timestamp>/`: a parent folder is searched this deep. */
const MAX_DEPTH = 3;
const SKIPPED = new Set(['checkpoints', 'batches', 'node_modules']);

export function isRunFolder(folder: RunFolder): boolean {
  return [folder.configFile, folder.metricsFile, folder.databaseFile].some((file) => existsSync(file));
}

function findRunDirs(dir: string, depth: number, found: string[]): void {
  if (isRunFolder(runFolderAt(dir))) {
    found.push(dir);
    return;
  }
  if (depth >= MAX_DEPTH) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith('.') || SKIPPED.has(name)) continue;
    const child = join(dir, name);
    if (statSync(child, { throwIfNoEntry: false })?.isDirectory()) findRunDirs(child, depth + 1, found);
  }
}

const notFound = (id: string, where: string) => new RollcallError('RC_ERR_VIEW_NOT_FOUND', { what: 'run', id, run: where });

/**
 * The runs in a folder: the folder itself when it is a run folder, else every run folder under
 * it (`runs/`, `runs/<project>/`). Run ids are paths relative to the folder (its name for itself).
 */
export function folderCatalog(root: string, options: { tokenizerDir?: string | undefined; databaseFile?: string | undefined } = {}): RunCatalog {
  const base = resolve(root);
  const info = statSync(base, { throwIfNoEntry: false });
  if (info === undefined || !info.isDirectory()) throw new RollcallError('RC_ERR_VIEW_PATH', { path: base, detail: info === undefined ? 'no such folder' : 'not a folder' });
  const sources = new Map<string, RunSource>();
  const scan = (): void => {
    const dirs: string[] = [];
    findRunDirs(base, 0, dirs);
    for (const dir of dirs) {
      // The served folder itself is named by its own name ('.' would vanish from URLs).
      const id = relative(base, dir).split(sep).join('/') || basename(dir);
      const databaseFile = dir === base ? options.databaseFile : undefined;
      if (!sources.has(id)) sources.set(id, new RunSource(id, runFolderAt(dir), { tokenizerDir: options.tokenizerDir, databaseFile }));
    }
  };
  return {
    list: () => {
      scan();
      return [...sources.values()].sort((a, b) => (b.updatedAt() ?? 0) - (a.updatedAt() ?? 0));
    },
    get: (id) => {
      if (!sources.has(id)) scan();
      const source = sources.get(id);
      if (source === undefined) throw notFound(id, base);
      return source;
    },
    close: () => {
      for (const source of sources.values()) source.close();
    },
  };
}

/** One run the caller built (the proxy's own store). */
export function singleRunCatalog(source: RunSource, where: string): RunCatalog {
  return {
    list: () => [source],
    get: (id) => {
      if (id !== source.id) throw notFound(id, where);
      return source;
    },
    close: () => source.close(),
  };
}
