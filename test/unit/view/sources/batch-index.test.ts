import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { batchFilePath, runFolderAt } from '../../../../src/run/run-layout.ts';
import { writeBatch, type BatchRow } from '../../../../trainer/orchestrator/training-batch.ts';
import { BatchIndex, readBatchRow } from '../../../../view/sources/batch-index.ts';

function row(rolloutId: string, sampleId: string, advantage: number, length: number): BatchRow {
  const lossMask = Array.from({ length }, (_, i) => (i >= length / 2 ? 1 : 0));
  return {
    sampleId, rolloutId, groupId: 'g', taskId: 't', reward: 1, advantage, lossWeight: 0.5, policyVersions: [3], failure: null,
    tokens: Array.from({ length }, (_, i) => 1000 + i), promptLength: length / 2, lossMask,
    logprobs: lossMask.map((m) => (m === 1 ? -0.5 : 0)), advantages: lossMask.map((m) => (m === 1 ? advantage * 0.5 : 0)),
    sampling: { temperature: 0.7, topP: 1, topK: 0 },
  };
}

function folder() {
  const run = runFolderAt(mkdtempSync(join(tmpdir(), 'rollcall-batch-')));
  mkdirSync(run.batchesDir);
  return run;
}

test("indexes the trainer's batch file by rollout from each row's head, and reads a row's tokens from its offset", async () => {
  const run = folder();
  // A 40k-token row: its head is found without parsing its arrays.
  const rows = [row('r1', '7', 0.5, 8), row('r2', '9', -1.25, 40_000), row('r2', '9.1', -1.25, 6)];
  await writeBatch(batchFilePath(run, 3), rows);
  const index = new BatchIndex(run);
  assert.deepEqual([...(await index.steps()).keys()], [3]);
  const batch = await index.forStep(3);
  assert.ok(batch);
  assert.equal(batch.samples, 3);
  assert.deepEqual(batch.byRollout.get('r2')?.map((e) => [e.sampleId, e.advantage, e.lossWeight]), [['9', -1.25, 0.5], ['9.1', -1.25, 0.5]]);
  const entry = batch.byRollout.get('r2')?.[0];
  assert.ok(entry);
  const read = await readBatchRow(batch.file, entry);
  assert.deepEqual(read.tokens, rows[1]?.tokens);
  assert.deepEqual(read.advantages, rows[1]?.advantages);
  assert.equal(await index.forStep(4), null, 'no batch before the step trained');
});

test('a row whose head is not first (another writer) is read whole', async () => {
  const run = folder();
  const { tokens, ...head } = row('r7', '3', 0.25, 4);
  appendFileSync(batchFilePath(run, 2), `${JSON.stringify({ tokens, ...head })}\n`);
  const entry = (await new BatchIndex(run).forStep(2))?.byRollout.get('r7')?.[0];
  assert.deepEqual([entry?.sampleId, entry?.advantage], ['3', 0.25]);
});

test('a row still being written is left out until it is complete', async () => {
  const run = folder();
  await writeBatch(batchFilePath(run, 1), [row('r1', '1', 1, 4)]);
  appendFileSync(batchFilePath(run, 1), '{"sampleId":"2","rolloutId":"r2","groupId":"g","taskId":"t","reward":0,"advantage":-1,"lossWeight":1,"policyVersions":[0],"tokens":[1,2');
  const index = new BatchIndex(run);
  assert.deepEqual([...((await index.forStep(1))?.byRollout.keys() ?? [])], ['r1']);
  appendFileSync(batchFilePath(run, 1), '],"promptLength":1,"lossMask":[0,1],"logprobs":[0,-1],"advantages":[0,-1]}\n');
  assert.deepEqual([...((await index.forStep(1))?.byRollout.keys() ?? [])], ['r1', 'r2'], 'the grown file is indexed again');
});
