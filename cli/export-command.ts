import { createWriteStream, existsSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { readCommandLine, usageLine, type CommandSpec } from '../src/config/command-line.ts';
import { openStore } from '../src/store/store.ts';
import { buildSamples, toSampleCalls } from '../src/trajectory/index.ts';
import { ROLLOUT_STATUSES, type RolloutStatus } from '../src/wire/admin.ts';

export const EXPORT_SPEC = {
  name: 'export',
  summary: "write a run's token-exact training samples as JSONL, with their rewards",
  flags: {
    run: { type: 'string', value: 'RUN_DIR', help: 'a run folder (its trajectories.db)' },
    db: { type: 'string', value: 'FILE', help: 'a trajectory database instead of a run folder' },
    out: { type: 'string', value: 'FILE.jsonl', help: 'where to write (default: standard output)' },
    status: { type: 'string', value: ROLLOUT_STATUSES.join('|'), help: 'rollouts of this status only (default finished)' },
    task: { type: 'string', value: 'ID', help: 'rollouts of this task only' },
    'include-untrainable': { type: 'boolean', help: 'also rollouts marked not trainable (validation)' },
  },
} as const satisfies CommandSpec;

/**
 * `rollcall export`: a trajectory database's training samples as JSONL, one sample a line, with
 * its rollout's reward — for other trainers or offline analysis. Built exactly as the trainer
 * builds them (token-exact merges, loss masks, engine logprobs).
 */
export async function exportCommand(argv: string[]): Promise<void> {
  const line = readCommandLine(EXPORT_SPEC, argv);
  if (line === null) return;
  const { values } = line;
  const db = values.db ?? (values.run === undefined ? undefined : join(values.run, 'trajectories.db'));
  if (db === undefined || !existsSync(db)) {
    process.stderr.write(`rollcall export: ${db === undefined ? 'give --run or --db' : `no database at ${db}`}\n${usageLine(EXPORT_SPEC)}\n`);
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
