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
    db: { type: 'string', value: 'FILE', multiple: true, help: 'a trajectory database instead of a run folder; repeat it for the databases of several proxies (proxy.urls)' },
    out: { type: 'string', value: 'FILE.jsonl', help: 'where to write (default: standard output)' },
    status: { type: 'string', value: ROLLOUT_STATUSES.join('|'), help: 'rollouts of this status only (default finished)' },
    task: { type: 'string', value: 'ID', help: 'rollouts of this task only' },
    'include-untrainable': { type: 'boolean', help: 'also rollouts marked not trainable (validation)' },
  },
} as const satisfies CommandSpec;

type Filters = { status: RolloutStatus; task: string | undefined; includeUntrainable: boolean };

/** Writes one database's samples; returns how many rollouts and samples it held. */
async function exportDatabase(db: string, filters: Filters, out: NodeJS.WritableStream): Promise<{ rollouts: number; samples: number }> {
  const store = openStore(db);
  let rollouts = 0;
  let samples = 0;
  try {
    let after: { createdAt: number; id: string } | undefined;
    for (;;) {
      const page = store.rollouts.list({ status: filters.status, taskId: filters.task, after, limit: 500 });
      for (const rollout of page) {
        if (!rollout.trainable && !filters.includeUntrainable) continue;
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
  }
  return { rollouts, samples };
}

/**
 * `rollcall export`: trajectory databases' training samples as JSONL, one sample a line, with
 * its rollout's reward — for other trainers or offline analysis. Built exactly as the trainer
 * builds them (token-exact merges, loss masks, engine logprobs). A run over several proxies
 * (`proxy.urls`) has one database per proxy: `--db` once for each writes them all to one file.
 */
export async function exportCommand(argv: string[]): Promise<void> {
  const line = readCommandLine(EXPORT_SPEC, argv);
  if (line === null) return;
  const { values } = line;
  const dbs = values.db ?? (values.run === undefined ? [] : [join(values.run, 'trajectories.db')]);
  const missing = dbs.find((db) => !existsSync(db));
  if (dbs.length === 0 || missing !== undefined) {
    process.stderr.write(`rollcall export: ${missing === undefined ? 'give --run or --db' : `no database at ${missing}`}\n${usageLine(EXPORT_SPEC)}\n`);
    process.exitCode = 2;
    return;
  }
  const status = values.status ?? 'finished';
  if (!(ROLLOUT_STATUSES as readonly string[]).includes(status)) {
    process.stderr.write(`rollcall export: --status must be one of ${ROLLOUT_STATUSES.join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const filters: Filters = { status: status as RolloutStatus, task: values.task, includeUntrainable: values['include-untrainable'] === true };
  const out = values.out === undefined ? process.stdout : createWriteStream(values.out);
  let rollouts = 0;
  let samples = 0;
  try {
    for (const db of dbs) {
      const counts = await exportDatabase(db, filters, out);
      rollouts += counts.rollouts;
      samples += counts.samples;
    }
  } finally {
    if (out !== process.stdout) {
      out.end();
      await once(out, 'finish');
    }
  }
  process.stderr.write(`rollcall export: ${samples} samples from ${rollouts} rollouts${dbs.length > 1 ? ` in ${dbs.length} databases` : ''}${values.out === undefined ? '' : ` → ${values.out}`}\n`);
}
