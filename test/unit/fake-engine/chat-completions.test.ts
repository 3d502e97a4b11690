import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { CALC_TOOL, type ChatCompletion, FINAL_REPLY, post, postJson, TOOL_REPLY } from './engine-client.ts';

let engine: FakeEngine;
let qwen3: FakeEngine;

before(async () => {
  [engine, qwen3] = await Promise.all([startFakeEngine(), startFakeEngine({ templateVariant: 'qwen3' })]);
  for (const e of [engine, qwen3]) {
    e.script('calc', [TOOL_REPLY, FINAL_REPLY]);
    e.script('think', ['<think>\nLet me think.\n</think>\n\nThe answer is 4.']);
    e.script('broken', ['<tool_call>\n{"name": "execute_python_code", "arguments": {"code": }\n</tool_call>']);
  }
});
after(async () => {
  await Promise.all([engine.close(), qwen3.close()]);
});

const chat = (e: FakeEngine, body: Record<string, unknown>, headers?: Record<string, string>) =>
  postJson<ChatCompletion>(`${e.url}/v1/chat/completions`, { model: e.modelName, ...body }, headers);
const tokenize = (e: FakeEngine, body: Record<string, unknown>) =>
  postJson<{ count: number; tokens: number[]; max_model_len: number; token_strs: null }>(`${e.url}/tokenize`, body);
const CAPTURE = { logprobs: true, top_logprobs: 3, return_token_ids: true, seed: 11 };
const question = (script: string) => [
  { role: 'system', content: `You are a math agent. [[script:${script}]]` },
  { role: 'user', content: 'What is 2+2?' },
];

describe('POST /v1/chat/completions (non-streaming)', () => {
  it('keeps ids, logprobs and usage consistent, EOS included', async () => {
    const body = await chat(engine, { messages: [{ role: 'user', content: 'Tell me something.' }], ...CAPTURE });
    const [choice] = body.choices;
    assert.ok(choice?.token_ids && choice.logprobs);
    assert.equal(choice.token_ids.length, choice.logprobs.content.length);
    assert.equal(choice.token_ids.length, body.usage.completion_tokens);
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
    assert.equal(choice.token_ids.at(-1), 100265);
    assert.equal(choice.logprobs.content.at(-1)?.token, '<|im_end|>');
    assert.equal(body.prompt_token_ids?.length, body.usage.prompt_tokens);
    assert.equal(choice.message.content, engine.decode(choice.token_ids.slice(0, -1)));
    assert.equal(choice.finish_reason, 'stop');
    for (const entry of choice.logprobs.content) {
      assert.equal(entry.top_logprobs.length, 3);
      assert.deepEqual(entry.top_logprobs[0], { token: entry.token, logprob: entry.logprob, bytes: entry.bytes }, 'sampled first');
      assert.deepEqual(entry.bytes, [...Buffer.from(entry.token, 'utf8')]);
    }
  });

  it('gives /tokenize (chat form) exactly the prompt_token_ids of the chat call', async () => {
    for (const e of [engine, qwen3]) {
      const request = { messages: question('calc'), tools: [CALC_TOOL], chat_template_kwargs: { enable_thinking: false } };
      const body = await chat(e, { ...request, ...CAPTURE });
      const tokens = await tokenize(e, request);
      assert.deepEqual(tokens.tokens, body.prompt_token_ids);
      assert.equal(tokens.count, body.usage.prompt_tokens);
      assert.equal(tokens.max_model_len, 4096);
    }
  });

  it('plays a scripted tool loop turn by turn, and qwen25 re-renders history prefix-preserving', async () => {
    const messages: Array<Record<string, unknown>> = question('calc');
    const first = await chat(engine, { messages, tools: [CALC_TOOL], ...CAPTURE });
    const [call] = first.choices[0]?.message.tool_calls ?? [];
    assert.equal(first.choices[0]?.finish_reason, 'tool_calls');
    assert.equal(first.choices[0]?.message.content, null);
    assert.deepEqual(call?.function, { name: 'execute_python_code', arguments: '{"code": "print(2+2)"}' });
    messages.push(first.choices[0]?.message ?? {}, { role: 'tool', tool_call_id: call?.id, content: '4' });
    const second = await chat(engine, { messages, tools: [CALC_TOOL], ...CAPTURE });
    assert.equal(second.choices[0]?.message.content, FINAL_REPLY);
    assert.equal(second.choices[0]?.finish_reason, 'stop');
    const previous = [...(first.prompt_token_ids ?? []), ...(first.choices[0]?.token_ids ?? [])];
    assert.deepEqual(second.prompt_token_ids?.slice(0, previous.length), previous);
  });

  it('splits <think> into reasoning; qwen3 drops it once a new user turn follows (drift)', async () => {
    const messages: Array<Record<string, unknown>> = question('think');
    const first = await chat(qwen3, { messages, ...CAPTURE });
    const message = first.choices[0]?.message;
    assert.equal(message?.reasoning, '\nLet me think.\n');
    assert.equal(message?.content, '\n\nThe answer is 4.');
    assert.ok(first.choices[0]?.token_ids?.includes(100268));
    messages.push(message ?? {}, { role: 'user', content: 'Thanks!' });
    const second = await chat(qwen3, { messages, ...CAPTURE });
    const previous = [...(first.prompt_token_ids ?? []), ...(first.choices[0]?.token_ids ?? [])];
    assert.notDeepEqual(second.prompt_token_ids?.slice(0, previous.length), previous);
    assert.ok(!qwen3.decode(second.prompt_token_ids ?? []).includes('Let me think.'));
  });

  it('renders tools but parses nothing with tool_choice "none"', async () => {
    const body = await chat(engine, { messages: question('calc'), tools: [CALC_TOOL], tool_choice: 'none', seed: 1 });
    assert.deepEqual(body.choices[0]?.message.tool_calls, []);
    assert.equal(body.choices[0]?.finish_reason, 'stop');
    assert.equal(body.choices[0]?.message.content, TOOL_REPLY);
  });

  it('keeps a malformed tool call as plain content', async () => {
    const body = await chat(engine, { messages: question('broken'), tools: [CALC_TOOL], seed: 1 });
    assert.deepEqual(body.choices[0]?.message.tool_calls, []);
    assert.equal(body.choices[0]?.finish_reason, 'stop');
    assert.match(body.choices[0]?.message.content ?? '', /^<tool_call>/);
  });

  it('returns one prompt_token_ids and n distinct choices', async () => {
    const body = await chat(engine, { messages: [{ role: 'user', content: 'Hi' }], n: 2, ...CAPTURE });
    assert.equal(body.choices.length, 2);
    assert.deepEqual(body.choices.map((choice) => choice.index), [0, 1]);
    assert.notDeepEqual(body.choices[0]?.token_ids, body.choices[1]?.token_ids);
    const total = body.choices.reduce((sum, choice) => sum + (choice.token_ids?.length ?? 0), 0);
    assert.equal(body.usage.completion_tokens, total);
  });

  it('writes "token_id:N" tokens with return_tokens_as_token_ids (bytes stay the decoded text)', async () => {
    const body = await chat(engine, { messages: [{ role: 'user', content: 'Hi' }], ...CAPTURE, return_tokens_as_token_ids: true });
    const [choice] = body.choices;
    choice?.logprobs?.content.forEach((entry, i) => {
      const id = choice.token_ids?.[i] ?? -1;
      assert.equal(entry.token, `token_id:${id}`);
      assert.deepEqual(entry.bytes, [...Buffer.from(engine.decode([id]), 'utf8')]);
      assert.equal(entry.top_logprobs[0]?.token, `token_id:${id}`);
    });
  });

  it('omits ids without return_token_ids and logprobs without logprobs', async () => {
    const body = await chat(engine, { messages: [{ role: 'user', content: 'Hi' }], top_logprobs: 0 });
    assert.equal(body.prompt_token_ids, null);
    assert.equal(body.choices[0]?.token_ids, null);
    assert.equal(body.choices[0]?.logprobs, null);
  });

  it('applies stop strings, honours X-Request-Id and records the request', async () => {
    const response = await post(`${engine.url}/v1/chat/completions`, { messages: question('calc'), stop: ['python'], seed: 1 }, { 'x-request-id': 'abc123' });
    const body = JSON.parse(response.text) as ChatCompletion;
    assert.equal(body.id, 'chatcmpl-abc123');
    assert.equal(body.choices[0]?.message.content, '<tool_call>\n{"name": "execute_');
    assert.equal(body.choices[0]?.stop_reason, 'python');
    const recorded = engine.requests.at(-1);
    assert.equal(recorded?.path, '/v1/chat/completions');
    assert.deepEqual(recorded?.body['stop'], ['python']);
    assert.equal(recorded?.headers['x-request-id'], 'abc123');
  });
});
