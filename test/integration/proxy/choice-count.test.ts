import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { startProxy, type Harness } from '../../support/proxy-harness.ts';

/** A reply with fewer choices than the `n` asked for must never pass for a full GRPO group. */

let engine: FakeEngine;
const proxies: Partial<Record<'token' | 'chat', Harness>> = {};

before(async () => {
  engine = await startFakeEngine({ chunkTokens: 2 });
  proxies.token = await startProxy([engine.url], { engine: { mode: 'token' } as never });
  proxies.chat = await startProxy([engine.url], { engine: { mode: 'chat' } as never });
});
after(async () => {
  await proxies.token?.close();
  await proxies.chat?.close();
  await engine.close();
});

async function askTwo(proxy: Harness, stream: boolean) {
  const rollout = await proxy.createRollout({ sampling: { seed: 21, temperature: 0.9 } });
  const openai = new OpenAI({ baseURL: rollout.baseUrl, apiKey: rollout.apiKey, maxRetries: 0 });
  const request = { model: 'fake-model', messages: [{ role: 'user' as const, content: 'Give me two ideas.' }], n: 2, max_tokens: 12 };
  let indexes: number[];
  if (stream) {
    const seen = new Set<number>();
    for await (const chunk of await openai.chat.completions.create({ ...request, stream: true })) for (const choice of chunk.choices) seen.add(choice.index);
    indexes = [...seen].sort();
  } else {
    indexes = (await openai.chat.completions.create(request)).choices.map((c) => c.index);
  }
  const [call] = proxy.store.calls.listForRollout(rollout.rolloutId);
  assert.ok(call !== undefined, 'the call is recorded');
  return { indexes, call };
}

for (const mode of ['token', 'chat'] as const) {
  for (const stream of [false, true]) {
    test(`${mode} mode${stream ? ', streaming' : ''}: a reply with fewer choices than n is flagged and not trainable`, async () => {
      const proxy = proxies[mode]!;
      const full = await askTwo(proxy, stream);
      assert.deepEqual(full.indexes, [0, 1]);
      assert.equal(full.call.trainable, true, full.call.untrainableReason ?? '');
      assert.equal(full.call.flags.choiceCount, undefined);

      engine.setFaults({ dropChoices: 1, times: 1 });
      const short = await askTwo(proxy, stream);
      assert.deepEqual(short.indexes, [0], 'the client gets what the engine sent');
      assert.equal(short.call.status, 'completed');
      assert.equal(short.call.trainable, false);
      assert.equal(short.call.untrainableReason, 'the engine returned 1 choice but n was 2');
      assert.equal(short.call.flags.choiceCount, 'the engine returned 1 choice but n was 2');
    });
  }
}
