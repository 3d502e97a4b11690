/**
 * The fake engine must answer in the same shapes as the recorded vLLM fixtures: same keys, same
 * key order, same value types (null vs number vs string …), for the same kind of request.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';

import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { post, ssePayloads } from './engine-client.ts';

const FIXTURES = new URL('../../fixtures/vllm/', import.meta.url);
const fixtureJson = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
const fixtureSse = (name: string): unknown[] =>
  ssePayloads(readFileSync(new URL(name, FIXTURES), 'utf8')).map((payload) => (payload === '[DONE]' ? '[DONE]' : JSON.parse(payload)));

/** A type signature of a JSON value; completions' legacy `top_logprobs` maps count as maps. */
function shape(value: unknown, isMap = false): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (value.length === 0) return 'array<>';
    return `array<${[...new Set(value.map((item) => shape(item, isMap)))].sort().join('|')}>`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (isMap) return `map<${[...new Set(entries.map(([, item]) => shape(item)))].join('|')}>`;
    const legacy = entries.some(([key]) => key === 'text_offset');
    return `{${entries.map(([key, item]) => `${key}:${shape(item, legacy && key === 'top_logprobs')}`).join(',')}}`;
  }
  return typeof value;
}

const shapeSet = (events: readonly unknown[]): string[] => [...new Set(events.map((event) => shape(event)))].sort();

let engine: FakeEngine;
before(async () => {
  engine = await startFakeEngine({ modelName: 'Qwen/Qwen3-8B', templateVariant: 'qwen3' });
  engine.script('weather', ['<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>']);
});
after(() => engine.close());

/** The request behind `test/fixtures/vllm/chat-nonstream.json`. */
const SAY_HI = {
  model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: 'Say hi' }], max_completion_tokens: 16, temperature: 1.0, top_p: 1.0,
  seed: 1234, logprobs: true, top_logprobs: 2, return_token_ids: true, return_tokens_as_token_ids: false,
  chat_template_kwargs: { enable_thinking: false }, add_generation_prompt: true, skip_special_tokens: true,
};
const WEATHER = {
  model: 'Qwen/Qwen3-8B', messages: [{ role: 'user', content: "What's the weather in Paris? [[script:weather]]" }],
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
  return_token_ids: true, seed: 1,
};
const STREAM = { stream: true, stream_options: { include_usage: true } };

async function fakeJson(path: string, body: unknown): Promise<unknown> {
  const response = await post(`${engine.url}${path}`, body);
  return JSON.parse(response.text);
}

async function fakeSse(path: string, body: unknown): Promise<unknown[]> {
  const response = await post(`${engine.url}${path}`, body);
  return ssePayloads(response.text).map((payload) => (payload === '[DONE]' ? '[DONE]' : JSON.parse(payload)));
}

describe('fake engine responses match the vLLM fixtures', () => {
  it('chat-nonstream.json', async () => {
    assert.equal(shape(await fakeJson('/v1/chat/completions', SAY_HI)), shape(fixtureJson('chat-nonstream.json')));
  });

  it('chat-stream.sse', async () => {
    const events = await fakeSse('/v1/chat/completions', { ...SAY_HI, ...STREAM });
    assert.deepEqual(shapeSet(events), shapeSet(fixtureSse('chat-stream.sse')));
    assert.equal(events.at(-1), '[DONE]');
  });

  it('chat-toolcall-nonstream.json', async () => {
    assert.equal(shape(await fakeJson('/v1/chat/completions', WEATHER)), shape(fixtureJson('chat-toolcall-nonstream.json')));
  });

  it('chat-toolcall-stream.sse', async () => {
    const events = await fakeSse('/v1/chat/completions', { ...WEATHER, ...STREAM });
    assert.deepEqual(shapeSet(events), shapeSet(fixtureSse('chat-toolcall-stream.sse')));
  });

  it('completions-token-prompt.json and completions-stream.sse', async () => {
    const fixture = fixtureJson('completions-token-prompt.json') as { choices: Array<{ prompt_token_ids: number[] }> };
    const prompt = engine.encode('<|im_start|>user\nSay hi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n');
    const request = { model: 'Qwen/Qwen3-8B', prompt, max_tokens: 16, temperature: 1.0, logprobs: 1, return_token_ids: true, seed: 3 };
    assert.equal(shape(await fakeJson('/v1/completions', request)), shape(fixture));
    const events = await fakeSse('/v1/completions', { ...request, ...STREAM });
    assert.deepEqual(shapeSet(events), shapeSet(fixtureSse('completions-stream.sse')));
  });

  it('error-context-overflow.json', async () => {
    const body = await fakeJson('/v1/chat/completions', { messages: [{ role: 'user', content: 'x '.repeat(5000) }], max_tokens: 16 });
    const fixture = fixtureJson('error-context-overflow.json') as { error: { message: string; param: string } };
    assert.equal(shape(body), shape(fixture));
    const { error } = body as { error: { message: string; param: string } };
    assert.equal(error.param, fixture.error.param);
    const pattern = /^You passed \d+ input tokens and requested \d+ output tokens\. However, the model's context length is only \d+ tokens, resulting in a maximum input length of \d+ tokens\. Please reduce the length of the input prompt\.$/;
    assert.match(fixture.error.message, pattern);
    assert.match(error.message, pattern);
  });

  it('error-flat-legacy.json is the pre-0.10.1 body the fake (a 0.33 engine) never sends', async () => {
    assert.deepEqual(Object.keys(fixtureJson('error-flat-legacy.json') as object), ['object', 'message', 'type', 'param', 'code']);
    const body = await fakeJson('/v1/chat/completions', { model: 'nope', messages: [] });
    assert.deepEqual(Object.keys(body as object), ['error']);
  });

  it('tokenize-chat.json, models.json, version.json', async () => {
    const tokenized = await fakeJson('/tokenize', { model: 'Qwen/Qwen3-8B', messages: SAY_HI.messages, chat_template_kwargs: { enable_thinking: false } });
    assert.equal(shape(tokenized), shape(fixtureJson('tokenize-chat.json')));
    const models = await (await fetch(`${engine.url}/v1/models`)).json();
    assert.equal(shape(models), shape(fixtureJson('models.json')));
    const version = await (await fetch(`${engine.url}/version`)).json();
    assert.deepEqual(version, fixtureJson('version.json'));
  });
});
