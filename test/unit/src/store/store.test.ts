import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../../../src/store/migrations.ts';
import { migrate } from '../../../../src/store/open-database.ts';
import type { CallRecord, RolloutRecord } from '../../../../src/store/records.ts';
import { openStore } from '../../../../src/store/store.ts';

const rollout = (id: string, createdAt: number): RolloutRecord => ({
  id, taskId: 't1', groupId: 'g1', attempt: 0, tag: null, trainable: true, engine: 'policy', status: 'open',
  limits: { maxCalls: 4 }, sampling: { temperature: 1 }, metadata: { a: 1 }, reward: null, isSuccess: null,
  createdAt, expiresAt: null, endedAt: null,
});

const call = (rolloutId: string, seq: number): CallRecord => ({
  rolloutId, seq, status: 'completed', trainable: true, untrainableReason: null, isStream: false,
  requestJson: '{"messages":[]}', dialect: 'openai-chat', chatRequestJson: null, answerId: null, sentJson: '{"return_token_ids":true}', response: { id: 'x' },
  promptIds: [1, 2, 3],
  choices: [
    { index: 0, completionIds: [4, 5], logprobs: [Math.fround(-0.5), Math.fround(-0.25)], finishReason: 'stop' },
    { index: 1, completionIds: [6], logprobs: [Math.fround(-1)], finishReason: 'length' },
  ],
  usage: { promptTokens: 3, completionTokens: 3, totalTokens: 6 }, latencyMs: 1.5, ttftMs: null,
  engine: 'vllm', replica: 'http://e', policyVersion: 2, error: null, mode: 'chat', extendsCallId: null, extendsChoice: null,
  flags: {}, startedAt: 1, endedAt: 2,
});

test('the store runs in WAL mode with synchronous=NORMAL and foreign keys on', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-store-'));
  const store = openStore(join(dir, 'x.db'));
  assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(store.db.pragma('synchronous', { simple: true }), 1);
  assert.equal(store.db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(store.db.pragma('user_version', { simple: true }), MIGRATIONS.length);
  store.close();
});

test('migrations are idempotent and refuse a newer schema', () => {
  const db = new Database(':memory:');
  migrate(db);
  migrate(db);
  db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  assert.throws(() => migrate(db), /newer than this rollcall/);
});

test('calls round-trip with per-choice ids and logprobs split back out', () => {
  const store = openStore(':memory:');
  store.rollouts.insert(rollout('r1', 10), Buffer.from('k1'));
  const id = store.calls.insert(call('r1', 1));
  const [stored] = store.calls.listForRollout('r1');
  assert.ok(stored);
  assert.equal(stored.id, id);
  assert.deepEqual(stored.promptIds, [1, 2, 3]);
  assert.deepEqual(stored.choices.map((c) => c.completionIds), [[4, 5], [6]]);
  assert.deepEqual(stored.choices.map((c) => c.logprobs), [[-0.5, -0.25], [-1]]);
  assert.equal(stored.policyVersion, 2);
  assert.equal(store.calls.maxSeq('r1'), 1);
  assert.throws(() => store.calls.insert(call('r1', 1)), /UNIQUE/);
  assert.throws(() => store.calls.insert(call('missing', 1)), /FOREIGN KEY/);
});

test('rollouts list by filter with a stable cursor order, and close only once', () => {
  const store = openStore(':memory:');
  for (let i = 0; i < 5; i++) store.rollouts.insert(rollout(`r${i}`, 100 + (i % 2)), Buffer.from(`k${i}`));
  const page1 = store.rollouts.list({ limit: 2 });
  const last = page1.at(-1);
  assert.ok(last);
  const page2 = store.rollouts.list({ limit: 10, after: { createdAt: last.createdAt, id: last.id } });
  assert.deepEqual([...page1, ...page2].map((r) => r.id), ['r0', 'r2', 'r4', 'r1', 'r3']);
  assert.equal(store.rollouts.close('r1', { status: 'finished', reward: 1, isSuccess: true, endedAt: 5 }, { a: 1 }), true);
  assert.equal(store.rollouts.close('r1', { status: 'cancelled', endedAt: 6 }, { a: 1 }), false);
  assert.equal(store.rollouts.get('r1')?.status, 'finished');
  assert.deepEqual(store.rollouts.list({ limit: 10, status: 'finished' }).map((r) => r.id), ['r1']);
  assert.equal(store.rollouts.countOpen(), 4);
});

test('a call whose logprob count differs from its id count is kept exactly as the engine sent it', () => {
  const store = openStore(':memory:');
  store.rollouts.insert(rollout('r1', 10), Buffer.from('k1'));
  const odd = call('r1', 1);
  odd.choices = [
    { index: 0, completionIds: [4, 5, 6], logprobs: [Math.fround(-0.5)], finishReason: 'stop' },
    { index: 1, completionIds: [7], logprobs: [Math.fround(-1), Math.fround(-2)], finishReason: 'stop' },
  ];
  store.calls.insert(odd);
  const [stored] = store.calls.listForRollout('r1');
  assert.deepEqual(stored?.choices.map((c) => [c.completionIds, c.logprobs]), [[[4, 5, 6], [-0.5]], [[7], [-1, -2]]]);
});

test('a dialect call keeps its own body, the chat request it became and its answer id, found again by that id', () => {
  const store = openStore(':memory:');
  store.rollouts.insert(rollout('r1', 10), Buffer.from('k1'));
  store.rollouts.insert(rollout('r2', 10), Buffer.from('k2'));
  store.calls.insert(call('r1', 1));
  const body = '{"input":"Hi","instructions":"Be brief."}';
  const chat = '{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]}';
  const id = store.calls.insert({ ...call('r1', 2), requestJson: body, dialect: 'openai-responses', chatRequestJson: chat, answerId: 'resp_1' });
  const [first, second] = store.calls.listForRollout('r1');
  assert.deepEqual([first?.dialect, first?.chatRequestJson, first?.answerId], ['openai-chat', null, null]);
  assert.deepEqual([second?.dialect, second?.requestJson, second?.chatRequestJson, second?.answerId], ['openai-responses', body, chat, 'resp_1']);
  assert.equal(store.calls.findByAnswerId('r1', 'resp_1')?.id, id);
  assert.equal(store.calls.findByAnswerId('r2', 'resp_1'), undefined, 'another rollout never sees the answer');
  assert.throws(() => store.calls.insert({ ...call('r1', 3), dialect: 'gemini' as never }), /CHECK/);
});
