import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Sample } from '../../src/trajectory/sample-types.ts';
import type { SampleAdvantage } from '../advantages/advantage-types.ts';
import type { TrainSample } from '../learners/learner-types.ts';
import type { BatchRowHead } from '../../src/run/batch-row.ts';

/** One row of a step's batch: a sample with its per-token advantages and where it came from. */
export type BatchRow = BatchRowHead & TrainSample;

/**
 * Joins samples with their advantages. A sample's loss weight (1/N for a rollout forked into N
 * samples under episode weighting) is folded into its per-token advantages, so the learner
 * contract stays `{ tokens, promptLength, lossMask, logprobs, advantages }`.
 */
export function buildBatch(advantages: readonly SampleAdvantage[], samples: ReadonlyMap<string, { sample: Sample; taskId: string; reward: number }>): BatchRow[] {
  const rows: BatchRow[] = [];
  for (const adv of advantages) {
    const entry = samples.get(`${adv.rolloutId}/${adv.sampleId}`);
    if (entry === undefined) throw new Error(`advantage for unknown sample ${adv.rolloutId}/${adv.sampleId}`);
    const { sample } = entry;
    rows.push({
      sampleId: adv.sampleId,
      rolloutId: adv.rolloutId,
      groupId: adv.groupId,
      taskId: entry.taskId,
      reward: entry.reward,
      advantage: adv.advantage,
      lossWeight: adv.lossWeight,
      policyVersions: sample.policyVersions,
      tokens: sample.tokens,
      promptLength: sample.promptLength,
      lossMask: sample.lossMask,
      logprobs: sample.logprobs,
      advantages: adv.tokenAdvantages.map((a) => (a === 0 ? 0 : a * adv.lossWeight)),
    });
  }
  return rows;
}

/** Writes the batch as JSONL, one sample per line. */
export async function writeBatch(path: string, rows: readonly BatchRow[]): Promise<void> {
  const out = createWriteStream(path);
  for (const row of rows) {
    if (!out.write(`${JSON.stringify(row)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export const toTrainSample = (row: BatchRow): TrainSample => ({
  tokens: row.tokens,
  promptLength: row.promptLength,
  lossMask: row.lossMask,
  logprobs: row.logprobs,
  advantages: row.advantages,
});
