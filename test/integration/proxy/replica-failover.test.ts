import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { startProxy, type Harness } from '../../support/proxy-harness.ts';

let a: FakeEngine;
let b: FakeEngine;
let proxy: Harness;

before(async () => {
  a = await startFakeEngine();
  b = await startFakeEngine();
  proxy = await startProxy([a.url, b.url], { engine: { mode: 'token', healthCheckIntervalMs: 50, healthCheckTimeoutMs: 2000 } as never });
});
after(async () => {
  await proxy.close();
  await a.close();
  await b.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('rollouts stick to one replica; with one replica killed mid-run every call still succeeds and it comes back', async () => {
  const rollouts = await Promise.all(Array.from({ length: 16 }, (_, i) => proxy.createRollout({ taskId: `replica-${i}` })));
  let killed = false;
  let killedAt = Number.POSITIVE_INFINITY;
  const failures: unknown[] = [];
  const agents = rollouts.map(async (rollout, i) => {
    const openai = new OpenAI({ baseURL: rollout.baseUrl, apiKey: rollout.apiKey, maxRetries: 0 });
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: `Agent ${i}` }];
    for (let c = 0; c < 6; c++) {
      if (c === 3 && i === 0 && !killed) {
        killed = true;
        await b.close();
        killedAt = Date.now();
      }
      try {
        const answer = await openai.chat.completions.create({ model: 'fake-model', messages, max_tokens: 8 });
        messages.push(answer.choices[0]!.message, { role: 'user', content: 'more' });
      } catch (error) {
        failures.push(error);
      }
      await sleep(5);
    }
  });
  await Promise.all(agents);
  assert.deepEqual(failures, []);
  const replicasUsed = new Set<string>();
  let movedAfterKill = 0;
  for (const rollout of rollouts) {
    const calls = proxy.store.calls.listForRollout(rollout.rolloutId);
    assert.equal(calls.length, 6);
    assert.ok(calls.every((c) => c.status === 'completed' && c.trainable));
    const before = calls.filter((c) => c.endedAt < killedAt).map((c) => c.replica);
    const afterKill = calls.filter((c) => c.startedAt > killedAt).map((c) => c.replica);
    before.forEach((r) => replicasUsed.add(r ?? ''));
    assert.ok(new Set(before).size <= 1, 'a rollout sticks to one replica while both are up');
    assert.ok(afterKill.every((r) => r === a.url), 'after the kill every call is served by the live replica');
    if (before[0] === b.url && afterKill.length > 0) movedAfterKill += 1;
  }
  assert.deepEqual([...replicasUsed].sort(), [a.url, b.url].sort(), 'both replicas served rollouts before the kill');
  assert.ok(movedAfterKill > 0, 'rollouts pinned to the killed replica failed over');

  const metrics = await (await fetch(`${proxy.url}/metrics`)).text();
  assert.match(metrics, new RegExp(`rollcall_replica_healthy\\{replica="${b.url}"\\} 0`));
  const revived = await startFakeEngine({ port: b.port });
  try {
    await sleep(300);
    const after = await (await fetch(`${proxy.url}/metrics`)).text();
    assert.match(after, new RegExp(`rollcall_replica_healthy\\{replica="${b.url}"\\} 1`), 'health checks bring it back');
  } finally {
    await revived.close();
  }
});
