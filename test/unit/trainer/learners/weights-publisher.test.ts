import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isRollcallError } from '../../../../src/errors/rollcall-error.ts';
import { PublishConfigSchema } from '../../../../trainer/config/publish-config.ts';
import { createWeightsPublisher } from '../../../../trainer/learners/weights-publisher.ts';
import { createWorkerLearner } from '../../../../trainer/learners/worker-learner.ts';
import { startFakeEngine, type FakeEngine } from '../../../fake-engine/server.ts';
import { startFakeLearner, type FakeLearner } from '../../../fake-learner/fake-learner.ts';

let replicas: FakeEngine[];
let fullWorker: FakeLearner;
let loraWorker: FakeLearner;
before(async () => {
  replicas = await Promise.all([startFakeEngine({ runtimeLoraUpdating: true }), startFakeEngine({ runtimeLoraUpdating: true })]);
  loraWorker = await startFakeLearner({ lora: true });
  fullWorker = await startFakeLearner();
});
after(async () => {
  await Promise.all([...replicas.map((r) => r.close()), loraWorker.close(), fullWorker.close()]);
});

function publisherFor(worker: FakeLearner, engineUrls: string[], lines: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-publisher-'));
  const learner = createWorkerLearner(worker.url, 5_000);
  const config = PublishConfigSchema.parse({ method: 'vllm-lora', dir });
  const publisher = createWeightsPublisher({ config, dir, engineUrls, learner, log: (line) => lines.push(line) });
  return { dir, publisher, close: async () => Promise.all([publisher.close(), learner.close()]) };
}

test('every replica loads the folder the worker wrote; the two newest step folders stay', async () => {
  const lines: string[] = [];
  const { dir, publisher, close } = publisherFor(loraWorker, replicas.map((r) => r.url), lines);
  try {
    mkdirSync(join(dir, 'step_9'));
    writeFileSync(join(dir, 'notes.txt'), 'not a step folder');
    for (const step of [0, 1, 2, 3]) {
      const metrics = await publisher.publish(step, step);
      assert.ok((metrics['time/publish_s'] ?? -1) >= 0);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['notes.txt', 'step_2', 'step_3', 'step_9'], 'older steps deleted; a higher step from an earlier run and other files kept');
    for (const replica of replicas) assert.deepEqual(replica.loras.map((a) => [a.name, a.path]), [['policy', join(dir, 'step_3')]]);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'step_3', 'fake-weights.json'), 'utf8')), { policyVersion: 0 });
    assert.match(lines.at(-1) ?? '', new RegExp(`published ${join(dir, 'step_3')} \\(policy version 3\\) to 2 engine\\(s\\)`));
  } finally {
    await close();
  }
});

test('full weights cannot be published as a LoRA adapter: the error says how to start the worker', async () => {
  const { publisher, close } = publisherFor(fullWorker, [replicas[0]!.url]);
  try {
    await assert.rejects(publisher.publish(1, 1), (error: unknown) => {
      assert.ok(isRollcallError(error));
      assert.equal(error.code, 'RC_ERR_PUBLISH_WEIGHTS_KIND');
      assert.match(error.message, /the worker saved full weights to .*step_1, but learner.publish.method vllm-lora loads a LoRA adapter \(start the worker with --lora-rank N\)/);
      return true;
    });
  } finally {
    await close();
  }
});

test('a failing replica fails the publish by name, and old step folders are left alone', async () => {
  const down = await startFakeEngine();
  const { dir, publisher, close } = publisherFor(loraWorker, [replicas[0]!.url, down.url]);
  try {
    await assert.rejects(publisher.publish(0, 0), /answered 404/);
    await assert.rejects(publisher.publish(1, 1), new RegExp(`to ${down.url}: POST /v1/load_lora_adapter answered 404`));
    await down.close();
    await assert.rejects(publisher.publish(2, 2), (error: unknown) => {
      assert.ok(isRollcallError(error));
      assert.equal(error.code, 'RC_ERR_PUBLISH_UNREACHABLE');
      return true;
    });
    assert.deepEqual(readdirSync(dir).sort(), ['step_0', 'step_1', 'step_2'], 'nothing pruned after a failed publish');
  } finally {
    await close();
  }
});

test('several failing replicas are reported together', async () => {
  const [a, b] = await Promise.all([startFakeEngine(), startFakeEngine()]);
  const { publisher, close } = publisherFor(loraWorker, [a.url, b.url]);
  try {
    await assert.rejects(publisher.publish(0, 0), (error: unknown) => {
      assert.ok(isRollcallError(error));
      assert.equal(error.code, 'RC_ERR_PUBLISH_REJECTED');
      assert.match(error.message, /^2 of 2 engines did not take the weights:/);
      for (const url of [a.url, b.url]) assert.ok(error.message.includes(`to ${url}: POST /v1/load_lora_adapter answered 404`), url);
      return true;
    });
  } finally {
    await Promise.all([close(), a.close(), b.close()]);
  }
});
