import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import OpenAI from 'openai';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { startProxy, type Harness } from '../../support/proxy-harness.ts';

let engine: FakeEngine;
let proxy: Harness;

before(async () => {
  engine = await startFakeEngine({ maxModelLen: 2048 });
  proxy = await startProxy([engine.url], { engine: { firstByteTimeoutMs: 300 } as never });
});
afterEach(() => engine.clearFaults());
after(async () => {
  await proxy.close();
  await engine.close();
});

const messages = [{ role: 'user', content: 'Tell me a story.' }];

async function post(apiKey: string, extra: Record<string, unknown> = {}, signal?: AbortSignal) {
  return fetch(`${proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake-model', messages, ...extra }),
    ...(signal === undefined ? {} : { signal }),
  });
}

const callsOf = (rolloutId: string) => proxy.store.calls.listForRollout(rolloutId);

test('an engine that stops answering after it was detected is a 502 with RC_ERR_UPSTREAM_CONNECT, retry allowed', async () => {
  const doomed = await startFakeEngine();
  const dead = await startProxy([doomed.url], { engine: { mode: 'token' } as never });
  try {
    const { apiKey, rolloutId } = await dead.createRollout();
    await doomed.close();
    const response = await fetch(`${dead.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: JSON.stringify({ messages }) });
    assert.equal(response.status, 502);
    assert.equal(((await response.json()) as any).error.code, 'RC_ERR_UPSTREAM_CONNECT');
    assert.equal(response.headers.get('x-should-retry'), 'true');
    const [call] = dead.store.calls.listForRollout(rolloutId);
    assert.equal(call?.status, 'failed');
    assert.equal(call?.trainable, false);
  } finally {
    await dead.close();
  }
});

test('an engine slower than the first-byte timeout is a 504', async () => {
  engine.setFaults({ firstByteDelayMs: 1000 });
  const { apiKey } = await proxy.createRollout();
  const response = await post(apiKey);
  assert.equal(response.status, 504);
  assert.equal(((await response.json()) as any).error.code, 'RC_ERR_UPSTREAM_TIMEOUT');
});

test("an engine 4xx passes through with the engine's status and message, no retry", async () => {
  engine.setFaults({ errorStatus: 422, errorMessage: 'min_p must be in [0, 1]' });
  const { apiKey, rolloutId } = await proxy.createRollout();
  const response = await post(apiKey);
  const json = (await response.json()) as any;
  assert.equal(response.status, 422);
  assert.equal(json.error.code, 'RC_ERR_UPSTREAM_REJECTED');
  assert.match(json.error.message, /min_p must be in \[0, 1\]/);
  assert.equal(response.headers.get('x-should-retry'), 'false');
  assert.equal(callsOf(rolloutId)[0]?.error?.code, 'RC_ERR_UPSTREAM_REJECTED');
});

test('an engine 5xx becomes a 502 that may be retried, also before a stream opens', async () => {
  engine.setFaults({ errorStatus: 500, errorMessage: 'Internal server error' });
  const { apiKey } = await proxy.createRollout();
  for (const stream of [false, true]) {
    const response = await post(apiKey, { stream });
    assert.equal(response.status, 502);
    assert.equal(response.headers.get('content-type')?.startsWith('application/json'), true);
    assert.equal(((await response.json()) as any).error.code, 'RC_ERR_UPSTREAM_SERVER_ERROR');
  }
});

test("context overflow comes back as the engine's 400, streaming or not", async () => {
  const { apiKey } = await proxy.createRollout();
  const huge = [{ role: 'user', content: 'word '.repeat(3000) }];
  for (const stream of [false, true]) {
    const response = await post(apiKey, { messages: huge, stream });
    const json = (await response.json()) as any;
    assert.equal(response.status, 400);
    assert.match(json.error.message, /context length/);
  }
});

test('a stream the engine breaks mid-way ends with one SSE error event, then [DONE]; the call is not trainable', async () => {
  engine.setFaults({ disconnectAfterTokens: 3 });
  const { apiKey, rolloutId } = await proxy.createRollout();
  const response = await post(apiKey, { stream: true });
  assert.equal(response.status, 200);
  const events = (await response.text()).split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
  assert.equal(events.at(-1), '[DONE]');
  const errors = events.filter((e) => e !== '[DONE]' && JSON.parse(e).error !== undefined);
  assert.equal(errors.length, 1);
  assert.equal(JSON.parse(errors[0] as string).error.code, 'RC_ERR_UPSTREAM_STREAM_BROKEN');
  const [call] = callsOf(rolloutId);
  assert.equal(call?.status, 'failed');
  assert.equal(call?.trainable, false);
});

test("an engine's own error event after HTTP 200 is passed through and the call is failed", async () => {
  engine.setFaults({ errorEventAfterTokens: 2 });
  const { apiKey, rolloutId } = await proxy.createRollout();
  const openai = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey, maxRetries: 0 });
  const stream = await openai.chat.completions.create({ model: 'fake-model', messages: messages as any, stream: true });
  await assert.rejects(async () => {
    for await (const _chunk of stream);
  });
  const [call] = callsOf(rolloutId);
  assert.equal(call?.status, 'failed');
  assert.equal(call?.trainable, false);
});

test('a client that disconnects aborts the engine request and the call is recorded aborted', async () => {
  engine.setFaults({ latencyMs: 2000 });
  const { apiKey, rolloutId } = await proxy.createRollout();
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(post(apiKey, {}, controller.signal));
  await waitFor(() => callsOf(rolloutId).length === 1);
  const [call] = callsOf(rolloutId);
  assert.equal(call?.status, 'aborted');
  assert.equal(call?.trainable, false);
  assert.ok((call?.latencyMs ?? Infinity) < 1500, 'the proxy did not wait for the engine');
});

test('a streaming client that disconnects mid-stream is recorded aborted', async () => {
  engine.setFaults({ tokenDelayMs: 30 });
  const { apiKey, rolloutId } = await proxy.createRollout();
  const controller = new AbortController();
  const response = await post(apiKey, { stream: true, max_tokens: 200 }, controller.signal);
  const reader = response.body!.getReader();
  await reader.read();
  controller.abort();
  await waitFor(() => callsOf(rolloutId).length === 1);
  assert.equal(callsOf(rolloutId)[0]?.status, 'aborted');
});

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
