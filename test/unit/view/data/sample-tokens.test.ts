import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { runFolderAt } from '../../../../src/run/run-layout.ts';
import type { CallRecord, RolloutRecord } from '../../../../src/store/records.ts';
import { openStore } from '../../../../src/store/store.ts';
import { tokenOverview, tokenPage } from '../../../../view/data/sample-tokens.ts';
import { RunSource } from '../../../../view/sources/run-source.ts';

const rollout: RolloutRecord = {
  id: 'r1', taskId: 't', groupId: 'g', attempt: 0, tag: null, trainable: true, engine: 'policy', status: 'open', limits: {}, sampling: {},
  metadata: {}, reward: null, isSuccess: null, createdAt: 1, expiresAt: null, endedAt: null,
};

function call(seq: number, promptIds: number[], completionIds: number[], extendsCallId: number | null): CallRecord {
  return {
    rolloutId: 'r1', seq, status: 'completed', trainable: true, untrainableReason: null, isStream: false, requestJson: '{"messages":[]}', sentJson: null, dialect: 'openai-chat', chatRequestJson: null, answerId: null,
    response: null, promptIds, choices: [{ index: 0, completionIds, logprobs: completionIds.map(() => -0.05), finishReason: 'stop' }], usage: null,
    latencyMs: 1, ttftMs: null, engine: 'vllm', replica: null, policyVersion: 0, error: null, mode: 'chat', extendsCallId, extendsChoice: null,
    flags: {}, startedAt: 0, endedAt: 0,
  };
}

/** Call 2 continues call 1 token for token; call 3 was linked to call 2 but its prompt re-rendered a token (drift). */
function source(sampleOptions: { maxTotalTokens?: number } = {}) {
  // The caps come from the run's config.yaml, as the trainer wrote it.
  const store = openStore(':memory:');
  store.rollouts.insert(rollout, Buffer.from('k'));
  const first = store.calls.insert(call(1, [1, 2, 3], [10, 11], null));
  const second = store.calls.insert(call(2, [1, 2, 3, 10, 11, 4, 5], [12, 13, 14], first));
  store.calls.insert(call(3, [1, 2, 3, 10, 99, 4, 5, 12, 13, 14, 6], [15], second));
  const folder = runFolderAt(mkdtempSync(join(tmpdir(), 'rollcall-tokens-')));
  writeFileSync(folder.configFile, stringify({ samples: sampleOptions }));
  const run = new RunSource('run', folder, { store, engine: { kind: 'openai' } });
  return { run, first, second };
}

test('call boundaries mark where each call adds prompt tokens and where its completion starts', async () => {
  const { run, first, second } = source();
  const overview = await tokenOverview(run, 'r1', String(first));
  assert.equal(overview.mask, '0001100111');
  assert.deepEqual(overview.marks, [
    { kind: 'call', pos: 3, end: 5, callId: first, seq: 1, promptFrom: 0 },
    { kind: 'call', pos: 7, end: 10, callId: second, seq: 2, promptFrom: 5 },
  ]);
  assert.equal(overview.confidence, '...jj..jjj', 'p = exp(-0.05) ≥ 0.9');
  const page = await tokenPage(run, 'r1', String(first), 4, 4);
  assert.deepEqual(page.ids, [11, 4, 5, 12]);
  assert.deepEqual(page.call, [0, 1, 1, 1], 'the call each token came from');
  assert.equal(page.decoder.kind, 'ids');
});

test('a drifted call starts its own sample, marked as a fork with the drift where the tokens part', async () => {
  const { run } = source();
  const third = 3;
  const overview = await tokenOverview(run, 'r1', String(third));
  const drift = overview.marks.find((m) => m.kind === 'drift');
  assert.ok(drift?.kind === 'drift');
  assert.equal(drift.pos, 4, 'the prompt holds 99 where call 1 generated 11');
  assert.deepEqual(drift.actual.slice(0, 6), [1, 2, 3, 10, 99, 4]);
  assert.ok(overview.marks.some((m) => m.kind === 'fork' && m.pos === 0));
});

test("a sample cut by the run's caps is marked truncated at its end", async () => {
  const { run, first } = source({ maxTotalTokens: 8 });
  const overview = await tokenOverview(run, 'r1', String(first));
  assert.equal(overview.length, 8);
  assert.deepEqual(overview.marks.at(-1), { kind: 'truncated', pos: 8, note: "cut at 8 tokens by the run's sample caps" });
});
