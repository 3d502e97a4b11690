import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { toWireJson } from '../../fake-engine/http-io.ts';
import { CALC_TOOL, type ChatCompletion, post, postJson, sseJson, TOOL_REPLY } from './engine-client.ts';

interface LegacyLogprobs {
  text_offset: number[];
  token_logprobs: number[];
  tokens: string[];
  top_logprobs: Array<Record<string, number>>;
}

interface CompletionChoice {
  index: number;
  text: string;
  logprobs: LegacyLogprobs | null;
  finish_reason: string | null;
  stop_reason: string | number | null;
  token_ids: number[] | null;
  prompt_logprobs?: null;
  prompt_token_ids: number[] | null;
}

interface Completion {
  id: string;
  object: string;
  choices: CompletionChoice[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number } | null;
}

let engine: FakeEngine;
let chunked: FakeEngine;
before(async () => {
  chunked = await startFakeEngine({ chunkTokens: 3 });
  engine = await startFakeEngine();
  engine.script('calc', [TOOL_REPLY]);
  engine.script('long', ['one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen']);
});
after(() => Promise.all([engine.close(), chunked.close()]));

const complete = (body: Record<string, unknown>) => postJson<Completion>(`${engine.url}/v1/completions`, { model: engine.modelName, ...body });
const PROMPT = () => engine.encode('<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n');

describe('POST /v1/completions', () => {
  it('answers a token-id prompt in vLLM completions shape', async () => {
    const body = await complete({ prompt: PROMPT(), max_tokens: 50, logprobs: 2, return_token_ids: true, seed: 4 });
    assert.equal(body.object, 'text_completion');
    assert.match(body.id, /^cmpl-[0-9a-f]{32}$/);
    const [choice] = body.choices;
    assert.ok(choice?.logprobs && choice.token_ids);
    assert.deepEqual(choice.prompt_token_ids, PROMPT());
    assert.equal(choice.prompt_logprobs, null);
    assert.equal(choice.token_ids.length, body.usage?.completion_tokens);
    assert.equal(choice.logprobs.tokens.length, choice.token_ids.length);
    assert.equal(choice.logprobs.tokens.at(-1), '<|im_end|>');
    assert.equal(choice.text, engine.decode(choice.token_ids.slice(0, -1)));
    choice.logprobs.top_logprobs.forEach((top, i) => {
      assert.equal(Object.keys(top).length, 3, 'logprobs + 1 entries');
      assert.equal(Object.keys(top)[0], choice.logprobs?.tokens[i]);
    });
    let offset = 0;
    choice.logprobs.tokens.forEach((token, i) => {
      assert.equal(choice.logprobs?.text_offset[i], offset);
      offset += [...token].length;
    });
  });

  it('continues a rendered chat prompt exactly like the chat endpoint (token mode)', async () => {
    const request = { messages: [{ role: 'user', content: 'Go [[script:calc]]' }], tools: [CALC_TOOL] };
    const tokens = await postJson<{ tokens: number[] }>(`${engine.url}/tokenize`, request);
    const viaChat = await postJson<ChatCompletion>(`${engine.url}/v1/chat/completions`, { ...request, logprobs: true, return_token_ids: true, seed: 9, max_tokens: 100 });
    const viaTokens = await complete({ prompt: tokens.tokens, logprobs: 0, return_token_ids: true, seed: 9, max_tokens: 100 });
    assert.deepEqual(viaTokens.choices[0]?.token_ids, viaChat.choices[0]?.token_ids);
    assert.deepEqual(viaTokens.choices[0]?.logprobs?.token_logprobs, viaChat.choices[0]?.logprobs?.content.map((entry) => entry.logprob));
    assert.equal(viaTokens.choices[0]?.text, TOOL_REPLY);
  });

  it('streams every field, prompt ids on the first chunk only, and reassembles to the unary result', async () => {
    const request = { prompt: PROMPT(), max_tokens: 50, logprobs: 1, return_token_ids: true, seed: 4 };
    const unary = await complete(request);
    const response = await post(`${engine.url}/v1/completions`, { ...request, stream: true, stream_options: { include_usage: true } });
    const chunks = sseJson<Completion>(response.text);
    const usage = chunks.pop();
    assert.deepEqual(usage?.choices, []);
    assert.deepEqual(usage?.usage, { prompt_tokens: unary.usage?.prompt_tokens, total_tokens: unary.usage?.total_tokens, completion_tokens: unary.usage?.completion_tokens });
    for (const chunk of chunks) {
      assert.deepEqual(Object.keys(chunk), ['id', 'object', 'created', 'model', 'choices', 'usage']);
      assert.equal(chunk.usage, null);
      assert.deepEqual(Object.keys(chunk.choices[0] ?? {}), ['index', 'text', 'logprobs', 'finish_reason', 'stop_reason', 'prompt_token_ids', 'token_ids']);
    }
    assert.deepEqual(chunks[0]?.choices[0]?.prompt_token_ids, PROMPT());
    assert.ok(chunks.slice(1).every((chunk) => chunk.choices[0]?.prompt_token_ids === null));
    const expected = unary.choices[0];
    const pick = <T>(get: (c: CompletionChoice) => T[] | undefined) => chunks.flatMap((chunk) => get(chunk.choices[0] as CompletionChoice) ?? []);
    assert.deepEqual(pick((c) => c.token_ids ?? []), expected?.token_ids);
    assert.deepEqual(pick((c) => c.logprobs?.token_logprobs), expected?.logprobs?.token_logprobs);
    assert.deepEqual(pick((c) => c.logprobs?.text_offset), expected?.logprobs?.text_offset);
    assert.deepEqual(pick((c) => c.logprobs?.top_logprobs), expected?.logprobs?.top_logprobs);
    assert.equal(chunks.map((chunk) => chunk.choices[0]?.text).join(''), expected?.text);
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
  });

  it('batches chunkTokens tokens per chunk, one choice per chunk, each choice reassembling to the unary result', async () => {
    const request = { model: chunked.modelName, prompt: PROMPT(), n: 2, max_tokens: 40, logprobs: 0, return_token_ids: true, seed: 8 };
    const unary = await postJson<Completion>(`${chunked.url}/v1/completions`, request);
    const response = await post(`${chunked.url}/v1/completions`, { ...request, stream: true });
    const chunks = sseJson<Completion>(response.text);
    assert.ok(chunks.every((chunk) => chunk.choices.length === 1), 'one choice per chunk, as vLLM sends');
    assert.deepEqual(chunks.slice(0, 4).map((chunk) => chunk.choices[0]?.index), [0, 1, 0, 1], 'choices interleave step by step');
    for (const expected of unary.choices) {
      const own = chunks.map((chunk) => chunk.choices[0] as CompletionChoice).filter((choice) => choice.index === expected.index);
      const sizes = own.map((choice) => choice.token_ids?.length ?? 0);
      assert.ok(sizes.slice(0, -1).every((size) => size === 3) && (sizes.at(-1) ?? 0) <= 3, `chunk sizes ${sizes.join(',')}`);
      assert.deepEqual(own.flatMap((choice) => choice.token_ids ?? []), expected.token_ids);
      assert.deepEqual(own.flatMap((choice) => choice.logprobs?.token_logprobs ?? []), expected.logprobs?.token_logprobs);
      assert.deepEqual(own.flatMap((choice) => choice.logprobs?.text_offset ?? []), expected.logprobs?.text_offset);
      assert.equal(own.map((choice) => choice.text).join(''), expected.text);
      assert.deepEqual(own.map((choice) => choice.prompt_token_ids !== null), own.map((_, i) => i === 0), 'prompt ids on the first chunk of each choice');
      assert.deepEqual(own.map((choice) => choice.finish_reason), own.map((_, i) => (i === own.length - 1 ? expected.finish_reason : null)));
    }
  });

  it('defaults max_tokens to 16', async () => {
    const body = await complete({ prompt: 'Count [[script:long]]', return_token_ids: true });
    assert.equal(body.choices[0]?.token_ids?.length, 16);
    assert.equal(body.choices[0]?.finish_reason, 'length');
  });

  it('runs choices across prompts × n and counts each prompt once', async () => {
    const prompts = [PROMPT(), engine.encode('Another prompt')];
    const body = await complete({ prompt: prompts, n: 2, max_tokens: 5, return_token_ids: true, seed: 1 });
    assert.deepEqual(body.choices.map((choice) => choice.index), [0, 1, 2, 3]);
    assert.deepEqual(body.choices[2]?.prompt_token_ids, prompts[1]);
    assert.equal(body.usage?.prompt_tokens, (prompts[0]?.length ?? 0) + (prompts[1]?.length ?? 0));
    assert.equal(body.usage?.completion_tokens, 20);
  });

  it('names tokens "token_id:N" with return_tokens_as_token_ids', async () => {
    const body = await complete({ prompt: PROMPT(), max_tokens: 3, logprobs: 0, return_token_ids: true, return_tokens_as_token_ids: true, seed: 2 });
    const choice = body.choices[0];
    assert.deepEqual(choice?.logprobs?.tokens, choice?.token_ids?.map((id) => `token_id:${id}`));
    assert.deepEqual(choice?.logprobs?.top_logprobs.map((top) => Object.keys(top)), choice?.token_ids?.map((id) => [`token_id:${id}`]));
  });

  it('refuses empty prompts, unknown ids and suffix with 400', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ prompt: '' }, /Either prompt or prompt_embeds must be provided and non-empty/],
      [{}, /Either prompt or prompt_embeds/],
      [{ prompt: [] }, /The decoder prompt cannot be empty/],
      [{ prompt: [1, 100261] }, /Token id 100261 is out of vocabulary/],
      [{ prompt: [1, 2, 999999] }, /Token id 999999 is out of vocabulary/],
      [{ prompt: [1], suffix: 'x' }, /suffix is not currently supported/],
      [{ prompt: [1], logprobs: -2 }, /`logprobs` must be a positive value or -1/],
      [{ prompt: [1], logprobs: 21 }, /Requested sample logprobs of 21, which is greater than max allowed: 20/],
    ];
    for (const [body, message] of cases) {
      const response = await post(`${engine.url}/v1/completions`, body);
      assert.equal(response.status, 400, JSON.stringify(body));
      const error = (JSON.parse(response.text) as { error: { message: string; type: string; code: number } }).error;
      assert.match(error.message, message);
      assert.equal(error.type, 'BadRequestError');
      assert.equal(error.code, 400);
    }
  });

  it('writes Map-backed maps in insertion order, like a Python dict', () => {
    assert.equal(toWireJson({ top: [new Map([['b', 1], ['1', 2]])] }), '{"top":[{"b":1,"1":2}]}');
  });
});
