import type { RolloutRecord } from '../../src/store/records.ts';
import type { RolloutDetail, SampleSummary } from '../api/view-wire.ts';
import type { BatchEntry } from '../sources/batch-index.ts';
import type { RunSource } from '../sources/run-source.ts';
import { callView } from './call-view.ts';
import { batchEntries, loadRollout } from './rollout-samples.ts';
import { failureOf, judgeOf, splitOf, stepOf } from './step-rows.ts';
import { transcriptOf } from './transcript.ts';

type Loaded = ReturnType<typeof loadRollout>;

function sampleSummaries(loaded: Loaded, entries: readonly BatchEntry[]): SampleSummary[] {
  return loaded.built.samples.map((sample) => {
    const trained = sample.lossMask.reduce((n, m) => n + m, 0);
    const entry = entries.find((e) => e.sampleId === sample.sampleId);
    return {
      sampleId: sample.sampleId,
      length: sample.tokens.length,
      promptLength: sample.promptLength,
      trainedTokens: trained,
      contextTokens: sample.tokens.length - trained,
      callIds: sample.callIds,
      policyVersions: sample.policyVersions,
      merges: sample.merges,
      truncated: sample.truncated,
      driftEvents: sample.driftEvents,
      batch: entry === undefined ? null : { advantage: entry.advantage, lossWeight: entry.lossWeight },
    };
  });
}

function rolloutFacts(rollout: RolloutRecord): RolloutDetail['rollout'] {
  const { judge: _judge, failure: _failure, ...metadata } = rollout.metadata;
  return {
    id: rollout.id,
    taskId: rollout.taskId,
    groupId: rollout.groupId,
    attempt: rollout.attempt,
    tag: rollout.tag,
    step: stepOf(rollout),
    split: splitOf(rollout),
    status: rollout.status,
    trainable: rollout.trainable,
    reward: rollout.reward,
    isSuccess: rollout.isSuccess,
    failure: failureOf(rollout),
    judge: judgeOf(rollout),
    metadata,
    sampling: { ...rollout.sampling },
    limits: { ...rollout.limits },
    createdAt: rollout.createdAt,
    endedAt: rollout.endedAt,
  };
}

/** The group's attempts, best reward first, and the auxiliary-engine rollouts of this attempt. */
function neighbours(run: RunSource, rollout: RolloutRecord): Pick<RolloutDetail, 'group' | 'auxiliary'> {
  const db = run.database();
  const siblings = rollout.groupId === null || db === null ? [] : db.browser.rolloutsInGroup(rollout.groupId);
  return {
    group: siblings
      .filter((r) => r.engine === 'policy')
      .map((r) => ({ id: r.id, attempt: r.attempt, reward: r.reward, status: r.status }))
      .sort((a, b) => (b.reward ?? -Infinity) - (a.reward ?? -Infinity) || a.attempt - b.attempt),
    auxiliary: siblings
      .filter((r) => r.engine !== 'policy' && r.attempt === rollout.attempt)
      .map((r) => ({ id: r.id, engine: r.engine, calls: db?.store.calls.maxSeq(r.id) ?? 0 })),
  };
}

/** The Rollout page: the record, the transcript, every call's facts, the samples and the group. */
export async function rolloutDetail(run: RunSource, id: string): Promise<RolloutDetail> {
  const loaded = loadRollout(run, id);
  const entries = await batchEntries(run, loaded.rollout);
  const { driftEvents, calls: _calls, ...counts } = loaded.built.stats;
  return {
    runId: run.id,
    rollout: rolloutFacts(loaded.rollout),
    advantage: entries[0]?.advantage ?? null,
    calls: loaded.calls.map(callView),
    transcript: transcriptOf(loaded.calls),
    samples: sampleSummaries(loaded, entries),
    sampleStats: { ...counts, driftEvents: driftEvents.length },
    ...neighbours(run, loaded.rollout),
  };
}
