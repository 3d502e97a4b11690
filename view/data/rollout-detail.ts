import type { RolloutDetail, SampleSummary } from '../api/view-wire.ts';
import type { RunSource } from '../runs/run-source.ts';
import { callView } from './call-view.ts';
import { batchEntries, loadRollout } from './rollout-samples.ts';
import { failureOf, judgeOf, splitOf, stepOf } from './step-rows.ts';
import { transcriptOf } from './transcript.ts';

/** The Rollout page: the record, the transcript, every call's facts, the samples and the group. */
export async function rolloutDetail(run: RunSource, id: string): Promise<RolloutDetail> {
  const loaded = loadRollout(run, id);
  const { rollout, calls, built } = loaded;
  const entries = await batchEntries(run, rollout);
  const samples: SampleSummary[] = built.samples.map((sample) => {
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
  const browser = run.database()?.browser;
  const siblings = rollout.groupId === null || browser === undefined ? [] : browser.rolloutsInGroup(rollout.groupId);
  const { stats } = built;
  const { judge: _judge, failure: _failure, ...metadata } = rollout.metadata;
  return {
    runId: run.id,
    rollout: {
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
    },
    advantage: entries[0]?.advantage ?? null,
    calls: calls.map(callView),
    transcript: transcriptOf(calls),
    samples,
    sampleStats: {
      forks: stats.forks,
      merges: stats.merges,
      driftEvents: stats.driftEvents.length,
      truncations: stats.truncations,
      deduplicated: stats.deduplicated,
      skippedCalls: stats.skippedCalls,
      droppedByCaps: stats.droppedByCaps,
      syntheticEos: stats.syntheticEos,
      invalidChoices: stats.invalidChoices,
    },
    group: siblings
      .filter((r) => r.engine === 'policy')
      .map((r) => ({ id: r.id, attempt: r.attempt, reward: r.reward, status: r.status }))
      .sort((a, b) => (b.reward ?? -Infinity) - (a.reward ?? -Infinity) || a.attempt - b.attempt),
    auxiliary: siblings
      .filter((r) => r.engine !== 'policy' && r.attempt === rollout.attempt)
      .map((r) => ({ id: r.id, engine: r.engine, calls: run.database()?.store.calls.maxSeq(r.id) ?? 0 })),
  };
}
