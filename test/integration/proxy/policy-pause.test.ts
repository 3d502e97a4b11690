import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { startProxy, type Harness } from '../../support/proxy-harness.ts';

let engine: FakeEngine;
let proxy: Harness;

before(async () => {
  engine = await startFakeEngine({ faults: { tokenDelayMs: 1 } });
  // Calls wait out a pause for as long as it lasts: how long a drain takes depends on the machine.
  proxy = await startProxy([engine.url], { engine: { mode: 'token' } as never, policy: { pauseMaxWaitMs: 3_600_000 } as never });
});
after(async () => {
  await proxy.close();
  await engine.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `condition` holds, checking after each turn of the event loop's timers. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(2);
}

const maxCallId = () => (proxy.store.db.prepare('SELECT COALESCE(MAX(id), 0) AS id FROM calls').get() as { id: number }).id;

test('pause/resume under 64 concurrent rollouts: no call lost, none recorded twice, versions correct', async () => {
  const ROLLOUTS = 64;
  const CALLS = 6;
  // Weight updates are driven by progress, not by the clock: update k starts once enough answers
  // arrived, and every agent waits for update k before its call 2k, so the run crosses both updates
  // however fast or slow the machine is, with calls of other agents in flight when each pause starts.
  const UPDATE_AFTER_ANSWERS = [ROLLOUTS, 3 * ROLLOUTS];
  const rollouts = await Promise.all(Array.from({ length: ROLLOUTS }, (_, i) => proxy.createRollout({ taskId: `pause-${i}` })));
  const windows: { version: number; lastCallIdBefore: number }[] = [];
  let answered = 0;
  const agents = rollouts.map(async (rollout, i) => {
    const openai = new OpenAI({ baseURL: rollout.baseUrl, apiKey: rollout.apiKey, maxRetries: 0 });
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [{ role: 'user', content: `Agent ${i}, count.` }];
    for (let c = 0; c < CALLS; c++) {
      if (c > 0 && c % 2 === 0) await until(() => windows.length >= c / 2);
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
      answered += 1;
      messages.push({ role: 'user', content: `go on ${c}` });
    }
  });
  const updater = (async () => {
    for (const threshold of UPDATE_AFTER_ANSWERS) {
      await until(() => answered >= threshold);
      const paused = await proxy.admin('POST', '/admin/policy/pause', {});
      assert.equal(paused.status, 200);
      assert.equal(paused.body.inFlight, 0, 'pause returns once in-flight calls drained');
      // Every call served by the old weights is committed by now (ids grow in commit order).
      const lastCallIdBefore = maxCallId();
      await sleep(30);
      const resumed = await proxy.admin('POST', '/admin/policy/resume', {});
      windows.push({ version: resumed.body.version, lastCallIdBefore });
    }
  })();
  await Promise.all([...agents, updater]);
  assert.equal(windows.length, UPDATE_AFTER_ANSWERS.length, 'the run crossed every weight update');

  let total = 0;
  for (const rollout of rollouts) {
    const calls = proxy.store.calls.listForRollout(rollout.rolloutId);
    assert.equal(calls.length, CALLS, 'every call recorded once');
    assert.deepEqual(calls.map((c) => c.seq), [1, 2, 3, 4, 5, 6]);
    for (const call of calls) {
      assert.equal(call.status, 'completed');
      assert.equal(call.trainable, true);
      // Version v serves exactly the calls committed between update v (its resume) and update v + 1 (its pause).
      windows.forEach((w, k) => {
        if (call.policyVersion <= k) assert.ok(call.id <= w.lastCallIdBefore, `call ${call.id} of version ${call.policyVersion} was committed after update ${k + 1} paused`);
        else assert.ok(call.id > w.lastCallIdBefore, `call ${call.id} of version ${call.policyVersion} was committed before update ${k + 1} paused`);
      });
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
