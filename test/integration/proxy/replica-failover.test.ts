import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { startProxy, type Harness } from '../support/proxy-harness.ts';

let a: FakeEngine;
let b: FakeEngine;
let proxy: Harness;

before(async () => {
  a = await startFakeEngine();
  b = await startFakeEngine();
  proxy = await startProxy([a.url, b.url], { engine: { mode: 'token', healthCheckIntervalMs: 50, healthCheckTimeoutMs: 200 } as never });
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
  const failures: unknown[] = [];
  const agents = rollouts.map(async (rollout, i) => {
    const openai = new OpenAI({ baseURL: rollout.baseUrl, apiKey: rollout.apiKey, maxRetries: 0 });
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: `Agent ${i}` }];
    for (let c = 0; c < 6; c++) {
      if (c === 3 && i === 0 && !killed) {
        killed = true;
        await b.close();
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
    const replicas = calls.map((c) => c.replica);
    replicas.forEach((r) => replicasUsed.add(r ?? ''));
    const switches = replicas.filter((r, k) => k > 0 && r !== replicas[k - 1]).length;
    assert.ok(switches <= 1, 'a rollout moves at most once, away from the dead replica');
    if (switches === 1) {
      movedAfterKill += 1;
      assert.equal(replicas.at(-1), a.url);
    }
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
