import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import {
  CALC_TOOL,
  type ChatChunk,
  type ChatCompletion,
  post,
  postJson,
  reassembleChat,
  sseJson,
  ssePayloads,
  TOOL_REPLY,
} from './engine-client.ts';

let engine: FakeEngine;
let chunked: FakeEngine;

before(async () => {
  [engine, chunked] = await Promise.all([startFakeEngine(), startFakeEngine({ chunkTokens: 3 })]);
  for (const e of [engine, chunked]) {
    e.script('calc', [`Let me compute that. ${TOOL_REPLY}`]);
    e.script('think', ['<think>\nLet me think.\n</think>\n\n<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(6*7)"}}\n</tool_call>']);
    e.script('emoji', ['Robots 🤖 like naïve 日本 text.']);
  }
});
after(async () => {
  await Promise.all([engine.close(), chunked.close()]);
});

const CAPTURE = { logprobs: true, top_logprobs: 2, return_token_ids: true, seed: 5 };
const messages = (script?: string) => [{ role: 'user', content: script ? `Go [[script:${script}]]` : 'Tell me a story.' }];

async function both(e: FakeEngine, body: Record<string, unknown>): Promise<{ unary: ChatCompletion; chunks: ChatChunk[]; text: string }> {
  const unary = await postJson<ChatCompletion>(`${e.url}/v1/chat/completions`, body);
  const response = await post(`${e.url}/v1/chat/completions`, { ...body, stream: true, stream_options: { include_usage: true } });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
  return { unary, chunks: sseJson<ChatChunk>(response.text), text: response.text };
}

function assertSameAsUnary(unary: ChatCompletion, chunks: readonly ChatChunk[]): void {
  const streamed = reassembleChat(chunks);
  assert.equal(streamed.length, unary.choices.length);
  unary.choices.forEach((choice, i) => {
    const got = streamed[i];
    assert.ok(got);
    assert.deepEqual(got.tokenIds, choice.token_ids);
    assert.deepEqual(got.logprobs, choice.logprobs?.content);
    assert.equal(got.reasoning, choice.message.reasoning);
    assert.equal(got.finishReason, choice.finish_reason);
    assert.deepEqual(
      got.toolCalls.map(({ name, arguments: args }) => ({ name, arguments: args })),
      choice.message.tool_calls.map((call) => call.function),
    );
    // Blank text before a tool call streams as is but is null in the unary message (vLLM too).
    const content = choice.message.content === null && got.content?.trim() === '' ? null : got.content;
    assert.equal(content, choice.message.content);
  });
  const usage = chunks.at(-1);
  assert.deepEqual(usage?.choices, []);
  assert.deepEqual(usage?.usage, { prompt_tokens: unary.usage.prompt_tokens, total_tokens: unary.usage.total_tokens, completion_tokens: unary.usage.completion_tokens });
}

describe('POST /v1/chat/completions (streaming)', () => {
  it('frames events as "data: <json>\\n\\n" and ends with [DONE]', async () => {
    const { text, chunks, unary } = await both(engine, { messages: messages(), ...CAPTURE });
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    assert.ok(text.split('\n\n').slice(0, -1).every((event) => event.startsWith('data: ') && !event.includes('\n')));
    assert.equal(ssePayloads(text).at(-1), '[DONE]');
    const [first] = chunks;
    assert.deepEqual(first?.choices, [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
    assert.deepEqual(first?.prompt_token_ids, unary.prompt_token_ids);
    const final = chunks.at(-2)?.choices[0];
    assert.deepEqual(final?.delta, { content: '' });
    assert.deepEqual(final?.token_ids, [100265]);
    assert.equal(final?.stop_reason, null);
    assert.ok(chunks.slice(1, -2).every((chunk) => !('stop_reason' in (chunk.choices[0] ?? {}))));
  });

  it('reassembles to the non-streamed ids, logprobs and text for the same seed', async () => {
    const { unary, chunks } = await both(engine, { messages: messages(), ...CAPTURE });
    assertSameAsUnary(unary, chunks);
  });

  it('does so for multi-byte text, where a fragment token streams an empty delta', async () => {
    const { unary, chunks } = await both(engine, { messages: messages('emoji'), ...CAPTURE });
    assertSameAsUnary(unary, chunks);
    assert.ok(unary.choices[0]?.logprobs?.content.some((entry) => entry.token === '\ufffd'));
  });

  it('does so for a hermes tool call, one token and three tokens per chunk', async () => {
    for (const e of [engine, chunked]) {
      const { unary, chunks } = await both(e, { messages: messages('calc'), tools: [CALC_TOOL], ...CAPTURE });
      assertSameAsUnary(unary, chunks);
      assert.equal(unary.choices[0]?.message.content, 'Let me compute that. ');
      const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
      assert.deepEqual(Object.keys(calls[0] ?? {}), ['id', 'type', 'index', 'function']);
      assert.match(calls[0]?.id ?? '', /^chatcmpl-tool-[0-9a-f]{32}$/);
      assert.ok(calls.slice(1).every((call) => call.id === undefined && call.function.name === undefined));
      const final = chunks.at(-2)?.choices[0];
      assert.equal(final?.finish_reason, 'tool_calls');
      if (e === engine) assert.deepEqual(final?.delta, {}, 'the EOS step has nothing to say');
    }
  });

  it('does so for reasoning followed by a tool call, and for n = 2', async () => {
    const think = await both(chunked, { messages: messages('think'), tools: [CALC_TOOL], ...CAPTURE });
    assertSameAsUnary(think.unary, think.chunks);
    assert.equal(think.unary.choices[0]?.message.reasoning, '\nLet me think.\n');
    const pair = await both(engine, { messages: messages(), n: 2, ...CAPTURE });
    assertSameAsUnary(pair.unary, pair.chunks);
    assert.equal(pair.chunks.filter((chunk) => chunk.choices[0]?.delta.role === 'assistant').length, 2);
  });

  it('batches chunkTokens tokens per chunk with n = 2: role chunks first, one choice per chunk, finish last', async () => {
    const { unary, chunks } = await both(chunked, { messages: messages(), n: 2, ...CAPTURE });
    assertSameAsUnary(unary, chunks);
    const entries = chunks.filter((chunk) => chunk.choices.length > 0);
    assert.ok(entries.every((chunk) => chunk.choices.length === 1), 'one choice per chunk, as vLLM sends');
    assert.deepEqual(entries.slice(0, 2).map((chunk) => [chunk.choices[0]?.index, chunk.choices[0]?.delta.role]), [[0, 'assistant'], [1, 'assistant']]);
    for (const index of [0, 1]) {
      const own = entries.slice(2).map((chunk) => chunk.choices[0]!).filter((choice) => choice.index === index);
      const sizes = own.map((choice) => choice.token_ids?.length ?? 0);
      assert.ok(sizes.slice(0, -1).every((size) => size === 3) && (sizes.at(-1) ?? 0) <= 3, `chunk sizes ${sizes.join(',')}`);
      assert.deepEqual(own.map((choice) => choice.finish_reason !== null), own.map((_, i) => i === own.length - 1));
    }
  });

  it('drops held-back chunks (and their logprobs) without return_token_ids, as vLLM does', async () => {
    const body = { messages: messages('calc'), tools: [CALC_TOOL], logprobs: true, seed: 5 };
    const { unary, chunks } = await both(engine, body);
    const streamedLogprobs = reassembleChat(chunks)[0]?.logprobs.length ?? 0;
    assert.ok(streamedLogprobs < (unary.choices[0]?.logprobs?.content.length ?? 0));
    assert.ok(chunks.slice(1, -1).every((chunk) => chunk.choices[0]?.token_ids === null));
    assert.equal(chunks[0]?.prompt_token_ids, null);
  });

  it('sends plain text chunks with logprobs: null when logprobs are off', async () => {
    const { chunks } = await both(engine, { messages: messages(), seed: 3 });
    assert.ok(chunks.slice(1, -1).every((chunk) => chunk.choices[0]?.logprobs === null && typeof chunk.choices[0]?.delta.content === 'string'));
  });
});
