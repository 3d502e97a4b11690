import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** What the trainer saves at a checkpoint beside the learner's weights: enough to go on exactly. */
export const TrainerStateSchema = z.strictObject({
  step: z.number().int().min(0),
  policyVersion: z.number().int().min(0),
  selector: z.unknown(),
  rolloutsRun: z.number().int().min(0),
  savedAt: z.string(),
});
export type TrainerState = z.infer<typeof TrainerStateSchema>;

const STATE_FILE = 'trainer-state.json';

export const checkpointDir = (checkpointsDir: string, step: number): string => join(checkpointsDir, `global_step_${step}`);

/** Written to a temporary name and renamed, so a crash never leaves a half-written state. */
export function saveTrainerState(dir: string, state: TrainerState): void {
  mkdirSync(dir, { recursive: true });
  const target = join(dir, STATE_FILE);
  writeFileSync(`${target}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${target}.tmp`, target);
}

/** The last complete checkpoint of a run folder's `checkpoints/`, or null. */
export function loadLatestState(checkpointsDir: string): { dir: string; state: TrainerState } | null {
  if (!existsSync(checkpointsDir)) return null;
  const steps = readdirSync(checkpointsDir)
    .map((name) => /^global_step_(\d+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => b - a);
  for (const step of steps) {
    const dir = checkpointDir(checkpointsDir, step);
    const file = join(dir, STATE_FILE);
    if (!existsSync(file)) continue;
    return { dir, state: TrainerStateSchema.parse(JSON.parse(readFileSync(file, 'utf8'))) };
  }
  return null;
}
