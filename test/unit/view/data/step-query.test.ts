import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RolloutRow } from '../../../../view/api/view-wire.ts';
import { queryStep, StepQuerySchema } from '../../../../view/data/step-query.ts';
import { groupSummaries } from '../../../../view/data/step-rows.ts';

const row = (id: string, groupId: string, attempt: number, reward: number | null, extra: Partial<RolloutRow> = {}): RolloutRow => ({
  id, taskId: groupId.replace('g', 'task'), groupId, attempt, split: 'train', status: 'finished', reward, isSuccess: reward === 1,
  advantage: null, trainedSamples: 0, failure: null, flags: [], calls: 2, completionTokens: 10, latencyMs: 5, ...extra,
});

const ROWS: RolloutRow[] = [
  row('a0', 'g1', 0, 1), row('a1', 'g1', 1, 0), row('a2', 'g1', 2, 1, { advantage: 0.5 }),
  row('b0', 'g2', 0, null, { status: 'failed', failure: 'judge: the model never answered', flags: ['failed-call'] }),
  row('b1', 'g2', 1, 0.25, { flags: ['truncated-turn', 'mad'] }),
  row('c0', 'g3', 0, 0.5, { split: 'validation' }),
];
const q = (query: Record<string, string>) => StepQuerySchema.parse(query);

test('sorting by reward puts rollouts without a reward last in either order', () => {
  assert.deepEqual(queryStep(1, ROWS, q({ sort: 'reward', order: 'desc' }), null).rows.map((r) => r.id), ['a0', 'a2', 'c0', 'b1', 'a1', 'b0']);
  assert.deepEqual(queryStep(1, ROWS, q({ sort: 'reward' }), null).rows.map((r) => r.id), ['a1', 'b1', 'c0', 'a0', 'a2', 'b0']);
  assert.deepEqual(queryStep(1, ROWS, q({}), null).rows.map((r) => r.id), ['a0', 'a1', 'a2', 'b0', 'b1', 'c0'], 'by group and attempt');
});

test('filters by status, split, task, flag, reward range and text; counts cover the whole step', () => {
  assert.deepEqual(queryStep(1, ROWS, q({ status: 'failed' }), null).rows.map((r) => r.id), ['b0']);
  assert.deepEqual(queryStep(1, ROWS, q({ split: 'validation' }), null).rows.map((r) => r.id), ['c0']);
  assert.deepEqual(queryStep(1, ROWS, q({ task: 'TASK2' }), null).rows.map((r) => r.id), ['b0', 'b1']);
  assert.deepEqual(queryStep(1, ROWS, q({ flag: 'mad' }), null).rows.map((r) => r.id), ['b1']);
  assert.deepEqual(queryStep(1, ROWS, q({ minReward: '0.25', maxReward: '0.5' }), null).rows.map((r) => r.id), ['b1', 'c0']);
  const text = queryStep(1, ROWS, q({ q: 'never answered' }), new Set(['a1']));
  assert.deepEqual(text.rows.map((r) => r.id), ['a1', 'b0'], "a call's text (from the store) or the failure reason");
  assert.equal(text.total, 6);
  assert.equal(text.matched, 2);
  assert.deepEqual(text.flagCounts, { 'failed-call': 1, 'truncated-turn': 1, mad: 1 });
  assert.deepEqual(text.statusCounts, { finished: 5, failed: 1 });
  assert.throws(() => q({ flag: 'nope' }));
});

test('pages through the matches', () => {
  const page = queryStep(1, ROWS, q({ offset: '4', limit: '4' }), null);
  assert.deepEqual(page.rows.map((r) => r.id), ['b1', 'c0']);
  assert.equal(page.matched, 6);
});

test("a group's best and worst rollouts are its highest and lowest reward, earlier attempts first on ties", () => {
  const groups = new Map(groupSummaries(ROWS).map((g) => [g.groupId, g]));
  assert.deepEqual(groups.get('g1'), { groupId: 'g1', taskId: 'task1', rollouts: 3, rewardMean: 2 / 3, rewardMin: 0, rewardMax: 1, bestId: 'a0', worstId: 'a1' });
  assert.equal(groups.get('g2')?.bestId, 'b1', 'a rollout without a reward is neither');
  assert.equal(groups.get('g2')?.worstId, null, 'one rewarded rollout has nothing to compare with');
});
