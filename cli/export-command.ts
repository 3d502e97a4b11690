import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../src/store/store.ts';
import { buildSamples, toSampleCalls } from '../src/trajectory/index.ts';
import { ROLLOUT_STATUSES, type RolloutStatus } from '../src/wire/admin.ts';

export const EXPORT_USAGE = 'usage: rollcall export (--run RUN_DIR | --db FILE) [--out FILE.jsonl] [--status finished] [--task ID] [--include-untrainable]';

/**
 * `rollcall export`: a trajectory database's training samples as JSONL, one sample a line, with
 * its rollout's reward — for other trainers or offline analysis. Built exactly as the trainer
 * builds them (token-exact merges, loss masks, engine logprobs).
 */
export async function exportCommand(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { run: { type: 'string' }, db: { type: 'string' }, out: { type: 'string' }, status: { type: 'string' }, task: { type: 'string' }, 'include-untrainable': { type: 'boolean' } }, strict: true }));
  } catch (error) {
    process.stderr.write(`rollcall export: ${(error as Error).message}\n${EXPORT_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const db = values.db ?? (values.run === undefined ? undefined : join(values.run, 'trajectories.db'));
  if (db === undefined || !existsSync(db)) {
    process.stderr.write(`rollcall export: ${db === undefined ? 'give --run or --db' : `no database at ${db}`}\n${EXPORT_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const status = values.status ?? 'finished';
  if (!(ROLLOUT_STATUSES as readonly string[]).includes(status)) {
    process.stderr.write(`rollcall export: --status must be one of ${ROLLOUT_STATUSES.join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const store = openStore(db);
  const out = values.out === undefined ? process.stdout : createWriteStream(values.out);
  let rollouts = 0;
  let samples = 0;
  try {
    let after: { createdAt: number; id: string } | undefined;
    for (;;) {
      const page = store.rollouts.list({ status: status as RolloutStatus, taskId: values.task, after, limit: 500 });
      for (const rollout of page) {
        if (!rollout.trainable && values['include-untrainable'] !== true) continue;
        const built = buildSamples(toSampleCalls(store.calls.listForRollout(rollout.id)));
        rollouts += 1;
        for (const sample of built.samples) {
          samples += 1;
          const line = { rolloutId: rollout.id, taskId: rollout.taskId, groupId: rollout.groupId, attempt: rollout.attempt, reward: rollout.reward, isSuccess: rollout.isSuccess, ...sample };
          if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
        }
      }
      const last = page.at(-1);
      if (last === undefined || page.length < 500) break;
      after = { createdAt: last.createdAt, id: last.id };
    }
  } finally {
    store.close();
    if (out !== process.stdout) {
      out.end();
      await once(out, 'finish');
    }
  }
  process.stderr.write(`rollcall export: ${samples} samples from ${rollouts} rollouts${values.out === undefined ? '' : ` → ${values.out}`}\n`);
}
