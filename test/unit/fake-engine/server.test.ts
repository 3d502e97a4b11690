import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Agent, request } from 'undici';

import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { type ChatCompletion, post, postJson } from './engine-client.ts';

let engine: FakeEngine;
before(async () => {
  engine = await startFakeEngine({ modelName: 'org/policy', maxModelLen: 8192, version: '0.34.1' });
});
after(() => engine.close());

describe('fake engine server', () => {
  it('listens on 127.0.0.1 and serves /health, /version and /v1/models', async () => {
    assert.match(engine.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(engine.url, `http://127.0.0.1:${engine.port}`);
    const health = await fetch(`${engine.url}/health`);
    assert.equal(health.status, 200);
    assert.equal(await health.text(), '');
    assert.deepEqual(await (await fetch(`${engine.url}/version`)).json(), { version: '0.34.1' });
    const models = (await (await fetch(`${engine.url}/v1/models`)).json()) as { object: string; data: Array<Record<string, unknown>> };
    assert.equal(models.object, 'list');
    assert.equal(models.data[0]?.['id'], 'org/policy');
    assert.equal(models.data[0]?.['max_model_len'], 8192);
    assert.equal(models.data[0]?.['owned_by'], 'vllm');
    assert.equal(models.data[0]?.['parent'], null);
  });

  it('tokenizes text and detokenizes ids (specials kept)', async () => {
    const tokenized = await postJson<{ count: number; tokens: number[]; token_strs: string[] | null }>(`${engine.url}/tokenize`, { prompt: 'Hello<|im_end|>', return_token_strs: true });
    assert.deepEqual(tokenized.tokens, engine.encode('Hello<|im_end|>'));
    assert.deepEqual(tokenized.token_strs, ['Hello', '<|im_end|>']);
    assert.deepEqual(await postJson(`${engine.url}/detokenize`, { tokens: tokenized.tokens }), { prompt: 'Hello<|im_end|>' });
    assert.equal((await post(`${engine.url}/detokenize`, { tokens: [100300] })).status, 400);
  });

  it('takes scripts over HTTP', async () => {
    await postJson(`${engine.url}/fake/scripts`, { name: 'http-script', replies: ['From HTTP.'] });
    const body = await postJson<ChatCompletion>(`${engine.url}/v1/chat/completions`, { messages: [{ role: 'user', content: '[[script:http-script]]' }] });
    assert.equal(body.choices[0]?.message.content, 'From HTTP.');
    assert.equal((await post(`${engine.url}/fake/scripts`, { name: 'bad name', replies: ['x'] })).status, 400);
    assert.equal((await post(`${engine.url}/fake/scripts`, { name: 'empty', replies: [] })).status, 400);
  });

  it('records path and parsed body of engine requests', async () => {
    const before = engine.requests.length;
    await post(`${engine.url}/tokenize?x=1`, { prompt: 'a' });
    await post(`${engine.url}/tokenize`, 'not json');
    const [first, second] = engine.requests.slice(before);
    assert.deepEqual([first?.method, first?.path, first?.body], ['POST', '/tokenize', { prompt: 'a' }]);
    assert.deepEqual([second?.body, second?.rawBody], [{}, 'not json']);
  });

  it('serves hundreds of concurrent kept-alive connections', async () => {
    const agent = new Agent({ connections: 200, pipelining: 1 });
    try {
      const calls = Array.from({ length: 200 }, async (_, i) => {
        const response = await request(`${engine.url}/v1/chat/completions`, {
          method: 'POST',
          dispatcher: agent,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ messages: [{ role: 'user', content: `call ${i}` }], stream: i % 2 === 0, return_token_ids: true, seed: i, max_tokens: 8 }),
        });
        assert.equal(response.statusCode, 200);
        return (await response.body.text()).length;
      });
      const sizes = await Promise.all(calls);
      assert.ok(sizes.every((size) => size > 0));
    } finally {
      await agent.close();
    }
  });

  it('closes with streams in flight, and close() is idempotent', async () => {
    const local = await startFakeEngine({ faults: { tokenDelayMs: 50 } });
    const response = await fetch(`${local.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], stream: true }) });
    const reader = response.body?.getReader();
    await reader?.read();
    const abandoned = fetch(`${local.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }], stream: true }) });
    const aborted = new AbortController();
    const cancelled = fetch(`${local.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: 'y' }], stream: true }), signal: aborted.signal });
    const cancelledResponse = await cancelled;
    aborted.abort();
    await cancelledResponse.body?.cancel().catch(() => undefined);
    const start = performance.now();
    await Promise.all([local.close(), local.close()]);
    assert.ok(performance.now() - start < 1000);
    await assert.rejects(async () => {
      for (;;) if ((await reader?.read())?.done) throw new Error('ended cleanly');
    });
    await abandoned.then((r) => r.body?.cancel()).catch(() => undefined);
    await assert.rejects(fetch(`${local.url}/health`));
  });

  it('rejects bad options', async () => {
    await assert.rejects(startFakeEngine({ chunkTokens: 0 }), RangeError);
    await assert.rejects(startFakeEngine({ templateVariant: 'llama' as 'qwen3' }), TypeError);
  });
});
