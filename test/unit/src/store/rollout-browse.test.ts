import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CallRecord, RolloutRecord } from '../../../../src/store/records.ts';
import { RolloutBrowser } from '../../../../src/store/rollout-browse.ts';
import { openStore, openStoreReadOnly } from '../../../../src/store/store.ts';

const rollout = (id: string, step: number | null, split: string, extra: Partial<RolloutRecord> = {}): RolloutRecord => ({
  id, taskId: `t-${id}`, groupId: `g-${step}`, attempt: 0, tag: null, trainable: true, engine: 'policy', status: 'open',
  limits: {}, sampling: {}, metadata: step === null ? {} : { step, split }, reward: null, isSuccess: null,
  createdAt: 100, expiresAt: null, endedAt: null, ...extra,
});

const call = (rolloutId: string, seq: number, extra: Partial<CallRecord> = {}): CallRecord => ({
  rolloutId, seq, status: 'completed', trainable: true, untrainableReason: null, isStream: false,
  requestJson: JSON.stringify({ messages: [{ role: 'user', content: `Question ${rolloutId}` }] }), sentJson: null, dialect: 'openai-chat', chatRequestJson: null, answerId: null,
  response: { choices: [{ index: 0, message: { role: 'assistant', content: 'The answer is \\boxed{42}.' } }] },
  promptIds: [1, 2], choices: [{ index: 0, completionIds: [3, 4, 5], logprobs: [-1, -1, -1], finishReason: 'stop' }],
  usage: { promptTokens: 2, completionTokens: 3, totalTokens: 5 }, latencyMs: 10, ttftMs: null, engine: 'vllm', replica: null,
  policyVersion: 1, error: null, mode: 'token', extendsCallId: null, extendsChoice: null, flags: {}, startedAt: 1, endedAt: 2,
  ...extra,
});

function seeded() {
  const store = openStore(':memory:');
  store.rollouts.insert(rollout('a', 1, 'train'), Buffer.from('ka'));
  store.rollouts.insert(rollout('b', 1, 'train'), Buffer.from('kb'));
  store.rollouts.insert(rollout('v', 1, 'validation'), Buffer.from('kv'));
  store.rollouts.insert(rollout('c', 2, 'train'), Buffer.from('kc'));
  store.rollouts.insert(rollout('x', null, ''), Buffer.from('kx'));
  store.rollouts.insert(rollout('judge', 1, 'train', { engine: 'judge', groupId: 'g-1', tag: 'auxiliary:judge' }), Buffer.from('kj'));
  store.calls.insert(call('a', 1));
  store.calls.insert(call('a', 2, { choices: [{ index: 0, completionIds: [6], logprobs: [-1], finishReason: 'length' }], flags: { malformedToolCall: '<tool_call>{' }, usage: { promptTokens: 5, completionTokens: 1, totalTokens: 6 } }));
  store.calls.insert(call('b', 1, { status: 'failed', trainable: false, untrainableReason: 'the call failed', response: null, choices: [], usage: null }));
  store.calls.insert(call('c', 1, { response: { choices: [{ index: 0, message: { role: 'assistant', content: 'I give up' } }] } }));
  store.rollouts.close('a', { status: 'finished', reward: 1, isSuccess: true, endedAt: 5 }, { step: 1, split: 'train' });
  store.rollouts.close('b', { status: 'failed', endedAt: 5 }, { step: 1, split: 'train' });
  return store;
}

test('step cells count policy rollouts by step, split and status, with reward sums', () => {
  const store = seeded();
  const cells = new RolloutBrowser(store.db).stepCells();
  assert.deepEqual(cells, [
    { step: null, split: null, status: 'open', rollouts: 1, rewarded: 0, rewardSum: 0, successes: 0 },
    { step: 1, split: 'train', status: 'failed', rollouts: 1, rewarded: 0, rewardSum: 0, successes: 0 },
    { step: 1, split: 'train', status: 'finished', rollouts: 1, rewarded: 1, rewardSum: 1, successes: 1 },
    { step: 1, split: 'validation', status: 'open', rollouts: 1, rewarded: 0, rewardSum: 0, successes: 0 },
    { step: 2, split: 'train', status: 'open', rollouts: 1, rewarded: 0, rewardSum: 0, successes: 0 },
  ]);
});

test('a step lists its policy rollouts and per-rollout call totals; a group holds its attempts and auxiliary rollouts', () => {
  const store = seeded();
  const browser = new RolloutBrowser(store.db);
  assert.deepEqual(browser.rolloutsOfStep(1).map((r) => r.id), ['a', 'b', 'v']);
  assert.deepEqual(browser.rolloutsOfStep(null).map((r) => r.id), ['x']);
  const totals = new Map(browser.callTotals(['a', 'b', 'v']).map((t) => [t.rolloutId, t]));
  assert.deepEqual(totals.get('a'), { rolloutId: 'a', calls: 2, failedCalls: 0, untrainableCalls: 0, completionTokens: 4, truncatedCalls: 1, malformedToolCalls: 1, renderedFromScratch: 0, latencyMs: 20, lastPolicyVersion: 1 });
  assert.equal(totals.get('b')?.failedCalls, 1);
  assert.equal(totals.get('b')?.completionTokens, 0, 'a failed call produced nothing');
  assert.equal(totals.has('v'), false, 'no calls, no totals');
  assert.deepEqual(browser.rolloutsInGroup('g-1').map((r) => [r.id, r.engine]), [['a', 'policy'], ['b', 'policy'], ['judge', 'judge'], ['v', 'policy']]);
});

test('text search finds rollouts by what their calls said or were asked, case-insensitively, within one step', () => {
  const store = seeded();
  const browser = new RolloutBrowser(store.db);
  assert.deepEqual([...browser.searchStep(2, 'GIVE UP')], ['c']);
  assert.deepEqual([...browser.searchStep(1, 'give up')], []);
  assert.deepEqual([...browser.searchStep(1, 'question b')], ['b']);
});

test('the fingerprint moves when a call is added or a rollout closes', () => {
  const store = seeded();
  const browser = new RolloutBrowser(store.db);
  const before = browser.fingerprint();
  store.calls.insert(call('c', 2));
  const afterCall = browser.fingerprint();
  assert.notDeepEqual(afterCall, before);
  store.rollouts.close('c', { status: 'finished', reward: 0, isSuccess: false, endedAt: 9 }, {});
  assert.notDeepEqual(browser.fingerprint(), afterCall);
});

test('a read-only store sees what a writer commits and refuses to write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-browse-'));
  const writer = openStore(join(dir, 'x.db'));
  const reader = openStoreReadOnly(join(dir, 'x.db'));
  const browser = new RolloutBrowser(reader.db);
  assert.equal(browser.fingerprint().rollouts, 0);
  writer.rollouts.insert(rollout('a', 1, 'train'), Buffer.from('ka'));
  assert.equal(browser.fingerprint().rollouts, 1);
  assert.throws(() => reader.rollouts.insert(rollout('b', 1, 'train'), Buffer.from('kb')), /readonly/i);
  reader.close();
  writer.close();
  assert.throws(() => openStoreReadOnly(join(dir, 'missing.db')), /unable to open|directory does not exist|not exist/i);
});
