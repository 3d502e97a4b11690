import { isAbsolute, resolve } from 'node:path';

/**
 * The configuration keys that hold paths, and what a relative one is relative to. Paths the
 * trainer reads (tasks, workflow and judge modules, the publish folder) start at the config
 * file's folder, so a config file and its data travel together; paths of things a run creates
 * or a proxy opens (runs, database, token file, tokenizer) start at the working directory, as
 * `rollcall serve` treats them.
 *
 * The loader makes every one absolute, so the `config.yaml` written into a run folder works
 * from any directory (`rollcall eval --conf runs/…/config.yaml`).
 */
export const CONFIG_FILE_RELATIVE = ['tasks.train.path', 'tasks.validation.path', 'workflow.module', 'workflow.cwd', 'workflow.python', 'judge.module', 'judge.python', 'learner.publish.dir'] as const;
export const WORKING_DIR_RELATIVE = ['runsDir', 'proxy.dbPath', 'proxy.adminTokenFile', 'proxy.engine.tokenizerPath', 'proxy.auxiliaryEngines.*.tokenizerPath'] as const;

/** Keys holding `path#export` module specs: only the part before `#` is a path. */
const MODULE_SPECS = new Set<string>(['workflow.module', 'judge.module']);
/** Keys holding a path or a bare name looked up on PATH (`python3`): only a value with a slash is a path. */
const PATH_OR_NAME = new Set<string>(['workflow.python', 'judge.python']);
/** Values that are not paths although they sit in a path key. */
const NOT_PATHS = new Set([':memory:']);

type Tree = Record<string, unknown>;

function absolute(key: string, value: string, base: string): string {
  if (NOT_PATHS.has(value) || (PATH_OR_NAME.has(key) && !value.includes('/'))) return value;
  if (!MODULE_SPECS.has(key)) return isAbsolute(value) ? value : resolve(base, value);
  // `file.ts#export` (module), `file.py:function` (python); `package.module:function` is no path.
  const python = /^(.*\.py):[\w.]+$/.exec(value);
  if (python === null && !value.includes('#') && /^[\w.]+:[\w.]+$/.test(value)) return value;
  const cut = python !== null ? (python[1] as string).length : value.lastIndexOf('#');
  const path = cut === -1 ? value : value.slice(0, cut);
  const rest = cut === -1 ? '' : value.slice(cut);
  return `${isAbsolute(path) ? path : resolve(base, path)}${rest}`;
}

/** Calls `visit` on every string at the dotted path (`*` is every key of a map). */
function updateStrings(tree: Tree, path: readonly string[], visit: (value: string) => string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  const keys = head === '*' ? Object.keys(tree) : [head];
  for (const key of keys) {
    const value = tree[key];
    if (rest.length === 0) {
      if (typeof value === 'string') tree[key] = visit(value);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      updateStrings(value as Tree, rest, visit);
    }
  }
}

/** Makes every path of a parsed configuration absolute, in place (before it is frozen). */
export function resolveConfigPaths(config: Tree, dirs: { configDir: string; workingDir: string }): void {
  const workflow = config.workflow as Tree | undefined;
  // A command workflow runs in the config file's folder unless told otherwise: say so explicitly.
  if (workflow?.type === 'command' && workflow.cwd === undefined) workflow.cwd = '.';
  for (const key of CONFIG_FILE_RELATIVE) updateStrings(config, key.split('.'), (value) => absolute(key, value, dirs.configDir));
  for (const key of WORKING_DIR_RELATIVE) updateStrings(config, key.split('.'), (value) => absolute(key, value, dirs.workingDir));
}

/** A path given on the command line (`--set tasks.train.path=…`) is relative to where the command runs. */
export function commandLinePath(key: string, value: unknown, workingDir: string): unknown {
  const isPathKey = (CONFIG_FILE_RELATIVE as readonly string[]).includes(key);
  return isPathKey && typeof value === 'string' ? absolute(key, value, workingDir) : value;
}
