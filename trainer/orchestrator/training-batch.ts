import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { SamplingPolicy } from '../../src/wire/admin.ts';
import type { SampleSampling, TrainSample } from '../../src/wire/learner.ts';
import type { Sample } from '../../src/trajectory/sample-types.ts';
import type { SampleAdvantage } from '../advantages/advantage-types.ts';
import type { FailureReason } from './rollout-failure.ts';
import type { BatchRowHead } from '../../src/run/batch-row.ts';

/** One row of a step's batch: a sample with its per-token advantages and where it came from. */
export type BatchRow = BatchRowHead & TrainSample & {
  /** Why the rollout failed when the policy caused it (it trained with `rollout.failureReward`); null when it was judged. */
  failure: FailureReason | null;
};

/** A sample of the step with what the batch row needs from its rollout. */
export type IndexedSample = { sample: Sample; taskId: string; reward: number; sampling: SamplingPolicy; failure: FailureReason | null };

/**
 * The settings the learner scores a sample's tokens at: the rollout's sampling policy, which the
 * proxy applied to every call of the rollout. The trainer always pins temperature and top-p
 * (rollout-config.ts); a policy without a temperature let the agent choose it, and the learner
 * could only guess, so it is refused.
 */
export function sampleSampling(rolloutId: string, policy: SamplingPolicy): SampleSampling {
  if (policy.temperature === undefined) {
    throw new Error(`rollout ${rolloutId}: its sampling policy sets no temperature, so the learner cannot score its tokens at the temperature they were sampled at`);
  }
  return { temperature: policy.temperature, topP: policy.topP ?? 1, topK: policy.topK ?? 0 };
}

/**
 * Joins samples with their advantages. A sample's loss weight (1/N for a rollout forked into N
 * samples under episode weighting) is folded into its per-token advantages, so the learner
 * contract stays `{ tokens, promptLength, lossMask, logprobs, advantages, sampling }`.
 */
export function buildBatch(advantages: readonly SampleAdvantage[], samples: ReadonlyMap<string, IndexedSample>): BatchRow[] {
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
      failure: entry.failure,
      tokens: sample.tokens,
      promptLength: sample.promptLength,
      lossMask: sample.lossMask,
      logprobs: sample.logprobs,
      advantages: adv.tokenAdvantages.map((a) => (a === 0 ? 0 : a * adv.lossWeight)),
      sampling: sampleSampling(adv.rolloutId, entry.sampling),
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
  sampling: row.sampling,
});
