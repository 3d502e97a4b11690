import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runFolderAt, type RunFolder } from '../../src/run/run-layout.ts';
import { stringify } from 'yaml';

export { runFolderAt, type RunFolder } from '../../src/run/run-layout.ts';

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

/** Writes the resolved configuration with secrets redacted. */
export function writeResolvedConfig(folder: RunFolder, config: unknown): void {
  const redacted = JSON.parse(JSON.stringify(config, (key, value: unknown) => (/token|apiKey|secret/i.test(key) && typeof value === 'string' ? '[redacted]' : value))) as unknown;
  writeFileSync(folder.configFile, stringify(redacted));
}
