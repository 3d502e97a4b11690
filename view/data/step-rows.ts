import type { RolloutRecord } from '../../src/store/records.ts';
import type { CallTotals } from '../../src/store/rollout-browse.ts';
import type { GroupSummary, RolloutFlag, RolloutRow } from '../api/view-wire.ts';
import type { StepBatch } from '../sources/batch-index.ts';

/**
 * The Step page's rows: each policy rollout of a step with its reward, advantage (from the step's
 * batch file), status, failure reason, call totals and flags, and its task group's summary.
 */

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function judgeOf(rollout: RolloutRecord): Record<string, number> {
  const judge = rollout.metadata.judge;
  if (judge === null || typeof judge !== 'object') return {};
  return Object.fromEntries(Object.entries(judge as Record<string, unknown>).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
}

export const failureOf = (rollout: RolloutRecord): string | null => (typeof rollout.metadata.failure === 'string' ? rollout.metadata.failure : null);
export const splitOf = (rollout: RolloutRecord): string | null => (typeof rollout.metadata.split === 'string' ? rollout.metadata.split : null);
export const stepOf = (rollout: RolloutRecord): number | null => num(rollout.metadata.step);

function flagsOf(rollout: RolloutRecord, totals: CallTotals | undefined, trained: boolean, hasBatch: boolean): RolloutFlag[] {
  const flags: RolloutFlag[] = [];
  if (totals !== undefined) {
    if (totals.failedCalls > 0) flags.push('failed-call');
    // A rollout made untrainable (validation) has only untrainable calls: nothing to flag.
    if (totals.untrainableCalls > 0 && rollout.trainable) flags.push('untrainable-call');
    if (totals.truncatedCalls > 0) flags.push('truncated-turn');
    if (totals.malformedToolCalls > 0) flags.push('malformed-tool-call');
    if (totals.renderedFromScratch > 0) flags.push('rendered-from-scratch');
  }
  if (judgeOf(rollout)['madness/is_mad'] === 1) flags.push('mad');
  if (hasBatch && !trained && splitOf(rollout) === 'train') flags.push('not-trained');
  return flags;
}

/** One row per rollout, in the order given. */
export function stepRows(rollouts: readonly RolloutRecord[], totals: readonly CallTotals[], batch: StepBatch | null): RolloutRow[] {
  const totalsById = new Map(totals.map((t) => [t.rolloutId, t]));
  return rollouts.map((rollout) => {
    const entries = batch?.byRollout.get(rollout.id) ?? [];
    const t = totalsById.get(rollout.id);
    return {
      id: rollout.id,
      taskId: rollout.taskId,
      groupId: rollout.groupId,
      attempt: rollout.attempt,
      split: splitOf(rollout),
      status: rollout.status,
      reward: rollout.reward,
      isSuccess: rollout.isSuccess,
      advantage: entries[0]?.advantage ?? null,
      trainedSamples: entries.length,
      failure: failureOf(rollout),
      flags: flagsOf(rollout, t, entries.length > 0, batch !== null),
      calls: t?.calls ?? 0,
      completionTokens: t?.completionTokens ?? 0,
      latencyMs: t?.latencyMs ?? 0,
    };
  });
}

/** Per task group: reward spread and its best and worst rollout (ties: the earlier attempt). */
export function groupSummaries(rows: readonly RolloutRow[]): GroupSummary[] {
  const groups = new Map<string, RolloutRow[]>();
  for (const row of rows) {
    const key = row.groupId ?? `(no group) ${row.id}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  return [...groups.entries()].map(([groupId, members]) => {
    const rewarded = members.filter((m) => m.reward !== null).sort((a, b) => (b.reward as number) - (a.reward as number) || a.attempt - b.attempt);
    const rewards = rewarded.map((m) => m.reward as number);
    return {
      groupId,
      taskId: members[0]?.taskId ?? null,
      rollouts: members.length,
      rewardMean: rewards.length === 0 ? null : rewards.reduce((a, b) => a + b, 0) / rewards.length,
      rewardMin: rewards.length === 0 ? null : (rewards.at(-1) as number),
      rewardMax: rewards.length === 0 ? null : (rewards[0] as number),
      bestId: rewarded[0]?.id ?? null,
      worstId: rewarded.length < 2 ? null : (rewarded.at(-1)?.id ?? null),
    };
  });
}
