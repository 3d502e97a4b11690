import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';

/**
 * The run folder (DESIGN §6): `runs/<project>/<experiment>-<timestamp>/` with the resolved
 * config, metrics, TensorBoard events, checkpoints, exported batches, the trajectory database
 * and the run log.
 */
export type RunFolder = {
  dir: string;
  configFile: string;
  checkpointsDir: string;
  batchesDir: string;
  databaseFile: string;
  logFile: string;
};

export function runFolderAt(dir: string): RunFolder {
  return {
    dir,
    configFile: join(dir, 'config.yaml'),
    checkpointsDir: join(dir, 'checkpoints'),
    batchesDir: join(dir, 'batches'),
    databaseFile: join(dir, 'trajectories.db'),
    logFile: join(dir, 'run.log'),
  };
}

const timestamp = (date: Date): string => date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

export function createRunFolder(runsDir: string, project: string, experiment: string, now = new Date()): RunFolder {
  const folder = runFolderAt(resolve(runsDir, project, `${experiment}-${timestamp(now)}`));
  for (const dir of [folder.dir, folder.checkpointsDir, folder.batchesDir]) mkdirSync(dir, { recursive: true });
  return folder;
}

/** The newest run of an experiment that has a checkpoint, for `--resume` without a folder. */
export function latestResumableRun(runsDir: string, project: string, experiment: string): RunFolder | null {
  const base = resolve(runsDir, project);
  if (!existsSync(base)) return null;
  const candidates = readdirSync(base)
    .filter((name) => name.startsWith(`${experiment}-`))
    .map((name) => runFolderAt(join(base, name)))
    .filter((run) => existsSync(run.checkpointsDir) && readdirSync(run.checkpointsDir).some((d) => d.startsWith('global_step_')))
    .sort((a, b) => statSync(b.dir).mtimeMs - statSync(a.dir).mtimeMs);
  return candidates[0] ?? null;
}

/** Keys whose string values are secrets; `…File`, `…Env` and `…Path` keys name where a secret is, and stay. */
const SECRET_KEY = /token|api_?key|secret|password/i;
const SECRET_REFERENCE = /(File|Env|Path)$/;

/** The configuration without its secrets, and the dotted paths of what was left out. */
function withoutSecrets(value: unknown, path: string, omitted: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => withoutSecrets(item, `${path}[${index}]`, omitted));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value).flatMap(([key, inner]) => {
    const at = path === '' ? key : `${path}.${key}`;
    if (typeof inner === 'string' && SECRET_KEY.test(key) && !SECRET_REFERENCE.test(key)) {
      omitted.push(at);
      return [];
    }
    return [[key, withoutSecrets(inner, at, omitted)] as const];
  });
  return Object.fromEntries(entries);
}

/**
 * Writes the resolved configuration (absolute paths, defaults filled in) so the run can be
 * repeated or evaluated from any directory. Secrets are left out, not masked, so the file still
 * loads; a header names what was left out.
 */
export function writeResolvedConfig(folder: RunFolder, config: unknown, source: string): void {
  const omitted: string[] = [];
  const clean = withoutSecrets(JSON.parse(JSON.stringify(config)), '', omitted);
  const header = [`# The resolved configuration of this run, from ${source}; paths are absolute.`];
  if (omitted.length > 0) header.push(`# Secrets left out: ${omitted.join(', ')} (give them through the environment, e.g. ROLLCALL_ADMIN_TOKEN).`);
  writeFileSync(folder.configFile, `${header.join('\n')}\n${stringify(clean)}`);
}
