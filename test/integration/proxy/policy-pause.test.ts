import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { startProxy, type Harness } from '../../support/proxy-harness.ts';

let engine: FakeEngine;
let proxy: Harness;

before(async () => {
  engine = await startFakeEngine({ faults: { tokenDelayMs: 1 } });
  proxy = await startProxy([engine.url], { engine: { mode: 'token' } as never, policy: { pauseMaxWaitMs: 10_000 } as never });
});
after(async () => {
  await proxy.close();
  await engine.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('pause/resume under 64 concurrent rollouts: no call lost, none recorded twice, versions correct', async () => {
  const ROLLOUTS = 64;
  const CALLS = 6;
  const rollouts = await Promise.all(Array.from({ length: ROLLOUTS }, (_, i) => proxy.createRollout({ taskId: `pause-${i}` })));
  const windows: { pausedAt: number; resumedAt: number; version: number }[] = [];
  let clientsDone = false;
  const agents = rollouts.map(async (rollout, i) => {
    const openai = new OpenAI({ baseURL: rollout.baseUrl, apiKey: rollout.apiKey, maxRetries: 0 });
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: `Agent ${i}, count.` }];
    for (let c = 0; c < CALLS; c++) {
      const stream = c % 2 === 1;
      if (stream) {
        const s = await openai.chat.completions.create({ model: 'fake-model', messages, max_tokens: 12, stream: true });
        let text = '';
        for await (const chunk of s) text += chunk.choices[0]?.delta.content ?? '';
        messages.push({ role: 'assistant', content: text });
      } else {
        const answer = await openai.chat.completions.create({ model: 'fake-model', messages, max_tokens: 12 });
        messages.push(answer.choices[0]!.message);
      }
      messages.push({ role: 'user', content: `go on ${c}` });
    }
  });
  const updater = (async () => {
    for (let round = 0; round < 4 && !clientsDone; round++) {
      await sleep(40);
      const paused = await proxy.admin('POST', '/admin/policy/pause', {});
      assert.equal(paused.status, 200);
      assert.equal(paused.body.inFlight, 0, 'pause returns once in-flight calls drained');
      const pausedAt = Date.now();
      await sleep(30);
      const resumed = await proxy.admin('POST', '/admin/policy/resume', {});
      windows.push({ pausedAt, resumedAt: Date.now(), version: resumed.body.version });
    }
  })();
  await Promise.all(agents);
  clientsDone = true;
  await updater;
  assert.ok(windows.length >= 2, 'the run crossed at least two weight updates');

  let total = 0;
  for (const rollout of rollouts) {
    const calls = proxy.store.calls.listForRollout(rollout.rolloutId);
    assert.equal(calls.length, CALLS, 'every call recorded once');
    assert.deepEqual(calls.map((c) => c.seq), [1, 2, 3, 4, 5, 6]);
    for (const call of calls) {
      assert.equal(call.status, 'completed');
      assert.equal(call.trainable, true);
      const before = windows.filter((w) => w.resumedAt <= call.startedAt);
      const during = windows.find((w) => call.startedAt < w.pausedAt && call.endedAt > w.pausedAt);
      assert.equal(during, undefined, 'no call was in flight across a weight update');
      assert.ok(call.policyVersion >= before.length, `call admitted after ${before.length} updates has version ${call.policyVersion}`);
      const next = windows[call.policyVersion];
      if (next !== undefined) assert.ok(call.endedAt <= next.resumedAt);
    }
    total += calls.length;
  }
  assert.equal(total, ROLLOUTS * CALLS);
  const status = await proxy.admin('GET', '/admin/policy');
  assert.equal(status.body.version, windows.length);
  assert.equal(status.body.paused, false);
});

test('a call waiting out a pause longer than allowed gets 429 with Retry-After', async () => {
  const short = await startProxy([engine.url], { policy: { pauseMaxWaitMs: 100 } as never });
  try {
    const { apiKey } = await short.createRollout();
    await short.admin('POST', '/admin/policy/pause', {});
    const response = await fetch(`${short.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }) });
    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '1');
    assert.equal(((await response.json()) as any).error.code, 'RC_ERR_POLICY_PAUSED');
    const resumed = await short.admin('POST', '/admin/policy/resume', { version: 7 });
    assert.equal(resumed.body.version, 7);
    assert.equal((await short.admin('POST', '/admin/policy/resume', {})).body.error.code, 'RC_ERR_POLICY_NOT_PAUSED');
  } finally {
    await short.close();
  }
});
