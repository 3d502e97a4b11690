import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { RolloutRecord, StoredCall } from '../../src/store/records.ts';
import { buildSamples, toSampleCalls, type RolloutSamples, type Sample } from '../../src/trajectory/index.ts';
import { readBatchRow, type BatchEntry } from '../sources/batch-index.ts';
import type { RunSource } from '../sources/run-source.ts';
import { stepOf } from './step-rows.ts';

/**
 * A rollout as the trainer saw it: its record, its recorded calls and the samples built from them
 * with the same library (src/trajectory) and the same caps (the run's `samples` section) the
 * trainer used. Kept in the run's memo until the rollout changes (a new call, a close).
 */
export type LoadedRollout = { rollout: RolloutRecord; calls: StoredCall[]; built: RolloutSamples; callsById: Map<number, StoredCall> };

const notFound = (run: RunSource, what: string, id: string) => new RollcallError('RC_ERR_VIEW_NOT_FOUND', { what, id, run: run.id });

export function loadRollout(run: RunSource, id: string): LoadedRollout {
  const db = run.database();
  const rollout = db?.store.rollouts.get(id);
  if (db === null || rollout === undefined) throw notFound(run, 'rollout', id);
  const key = `${rollout.status}:${db.store.calls.maxSeq(id)}`;
  return run.memo.get(`rollout:${id}`, key, () => {
    const calls = db.store.calls.listForRollout(id);
    return { rollout, calls, built: buildSamples(toSampleCalls(calls), run.sampleOptions()), callsById: new Map(calls.map((c) => [c.id, c])) };
  });
}

export function findSample(run: RunSource, loaded: LoadedRollout, sampleId: string): Sample {
  const sample = loaded.built.samples.find((s) => s.sampleId === sampleId);
  if (sample === undefined) throw notFound(run, 'sample', `${loaded.rollout.id}/${sampleId}`);
  return sample;
}

/** The rollout's rows in its step's batch file (the samples the learner got). */
export async function batchEntries(run: RunSource, rollout: RolloutRecord): Promise<BatchEntry[]> {
  const step = stepOf(rollout);
  if (step === null || run.batches === null) return [];
  return (await run.batches.forStep(step))?.byRollout.get(rollout.id) ?? [];
}

export type TrainedRow = { entry: BatchEntry; advantages: number[]; matchesStore: boolean };

/** A sample's batch row with its per-token advantages, and whether it equals the rebuilt sample. */
export async function trainedRow(run: RunSource, loaded: LoadedRollout, sample: Sample): Promise<TrainedRow | null> {
  const entry = (await batchEntries(run, loaded.rollout)).find((e) => e.sampleId === sample.sampleId);
  const step = stepOf(loaded.rollout);
  if (entry === undefined || step === null || run.batches === null) return null;
  const file = (await run.batches.forStep(step))?.file;
  if (file === undefined) return null;
  return run.memo.get(`batch-row:${loaded.rollout.id}/${sample.sampleId}`, `${entry.offset}:${entry.length}`, async () => {
    const row = await readBatchRow(file, entry);
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
    return { entry, advantages: row.advantages, matchesStore: same(row.tokens, sample.tokens) && same(row.lossMask, sample.lossMask) };
  });
}
