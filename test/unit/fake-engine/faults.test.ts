import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';

import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { type ChatChunk, post, postJson, sseJson, ssePayloads } from './engine-client.ts';

let engine: FakeEngine;
before(async () => {
  engine = await startFakeEngine();
  engine.script('twelve', ['one two three four five six seven eight nine ten eleven']);
});
afterEach(() => engine.clearFaults());
after(() => engine.close());

const BODY = { messages: [{ role: 'user', content: '[[script:twelve]]' }], return_token_ids: true, seed: 1 };
const chat = (extra: Record<string, unknown> = {}) => post(`${engine.url}/v1/chat/completions`, { ...BODY, ...extra });
const tokensIn = (text: string) => sseJson<ChatChunk>(text).reduce((sum, chunk) => sum + (chunk.choices?.[0]?.token_ids?.length ?? 0), 0);

/** Reads a stream to its end; reports what arrived and whether the connection broke. */
async function readStream(response: Response): Promise<{ text: string; broken: boolean }> {
  const reader = response.body?.getReader();
  assert.ok(reader);
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, broken: false };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, broken: true };
  }
}

const openStream = () =>
  fetch(`${engine.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...BODY, stream: true }) });

describe('faults', () => {
  it('latencyMs delays the answer', async () => {
    engine.setFaults({ latencyMs: 80 });
    const start = performance.now();
    assert.equal((await chat()).status, 200);
    assert.ok(performance.now() - start >= 75);
  });

  it('firstByteDelayMs: a stream gets its headers before the delay and its first chunk after it', async () => {
    // A delay far longer than any scheduling hiccup: headers that waited for it could not beat the race.
    engine.setFaults({ firstByteDelayMs: 3000, times: 1 });
    const started = performance.now();
    const headersFirst = await Promise.race([openStream(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 2000).unref())]);
    assert.ok(headersFirst !== null, 'the headers arrive before the delay ends');
    const reader = headersFirst.body?.getReader();
    await reader?.read();
    assert.ok(performance.now() - started >= 2990, 'the first chunk waits for the delay');
    await reader?.cancel();
    engine.setFaults({ firstByteDelayMs: 100, times: 1 });
    const unaryStart = performance.now();
    assert.equal((await chat()).status, 200);
    assert.ok(performance.now() - unaryStart >= 95, 'a unary answer waits before its headers');
  });

  it('errorStatus answers with the vLLM error body, before any stream opens', async () => {
    engine.setFaults({ errorStatus: 500 });
    for (const stream of [false, true]) {
      const response = await chat({ stream });
      assert.equal(response.status, 500);
      assert.equal(response.headers.get('content-type'), 'application/json');
      assert.deepEqual(JSON.parse(response.text), { error: { message: 'Internal server error', type: 'InternalServerError', param: null, code: 500 } });
    }
    engine.setFaults({ errorStatus: 503, errorMessage: 'engine is sleeping' });
    assert.deepEqual(JSON.parse((await chat()).text), { error: { message: 'engine is sleeping', type: 'ServiceUnavailableError', param: null, code: 503 } });
  });

  it('disconnectAfterTokens cuts a stream after N tokens, and a unary call before any answer', async () => {
    engine.setFaults({ disconnectAfterTokens: 3 });
    const { text, broken } = await readStream(await openStream());
    assert.equal(broken, true);
    assert.equal(tokensIn(text), 3);
    assert.ok(!text.includes('[DONE]'));
    await assert.rejects(chat());
  });

  it('errorEventAfterTokens sends an error event and [DONE] on the 200 stream', async () => {
    engine.setFaults({ errorEventAfterTokens: 2, errorMessage: 'CUDA error' });
    const response = await openStream();
    assert.equal(response.status, 200);
    const { text, broken } = await readStream(response);
    assert.equal(broken, false);
    assert.equal(tokensIn(text), 2);
    const payloads = ssePayloads(text);
    assert.equal(payloads.at(-1), '[DONE]');
    assert.equal(payloads.at(-2), '{"error": {"message": "CUDA error", "type": "InternalServerError", "param": null, "code": 500}}');
  });

  it('tokenDelayMs paces the chunks', async () => {
    engine.setFaults({ tokenDelayMs: 8 });
    const start = performance.now();
    const { text } = await readStream(await openStream());
    const events = ssePayloads(text).length;
    assert.ok(performance.now() - start >= (events - 1) * 8 * 0.9, `${events} events`);
  });

  it('dropChoices answers fewer choices than n, with usage counting only those sent, streamed or not', async () => {
    engine.setFaults({ dropChoices: 1 });
    const whole = JSON.parse((await chat({ n: 3 })).text) as { choices: { index: number; token_ids: number[] }[]; usage: { completion_tokens: number } };
    assert.deepEqual(whole.choices.map((c) => c.index), [0, 1]);
    assert.equal(whole.usage.completion_tokens, whole.choices.reduce((n, c) => n + c.token_ids.length, 0));
    const streamed = await post(`${engine.url}/v1/completions`, { prompt: [1, 2, 3], n: 2, max_tokens: 5, stream: true, return_token_ids: true });
    const indexes = new Set(sseJson<{ choices: { index: number }[] }>(streamed.text).flatMap((chunk) => chunk.choices.map((c) => c.index)));
    assert.deepEqual([...indexes], [0]);
  });

  it('times limits the faults to the next N generation requests', async () => {
    engine.setFaults({ errorStatus: 500, times: 1 });
    assert.equal((await chat()).status, 500);
    assert.equal((await chat()).status, 200);
    assert.equal(engine.faults.errorStatus, null);
  });

  it('is settable over HTTP and validated', async () => {
    const set = await postJson<Record<string, unknown>>(`${engine.url}/fake/faults`, { errorStatus: 404 });
    assert.equal(set['errorStatus'], 404);
    const response = await chat();
    assert.equal(response.status, 404);
    assert.equal((JSON.parse(response.text) as { error: { type: string } }).error.type, 'NotFoundError');
    const cleared = await fetch(`${engine.url}/fake/faults`, { method: 'DELETE' });
    assert.equal(((await cleared.json()) as Record<string, unknown>)['errorStatus'], null);
    assert.equal((await post(`${engine.url}/fake/faults`, { latencyMs: -1 })).status, 400);
    assert.equal((await post(`${engine.url}/fake/faults`, { nope: 1 })).status, 400);
    assert.throws(() => engine.setFaults({ errorStatus: 200 }), /errorStatus/);
    assert.ok(engine.requests.every((request) => !request.path.startsWith('/fake/')), 'control calls are not recorded');
  });
});
