import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { post } from './engine-client.ts';

let engine: FakeEngine;
before(async () => {
  engine = await startFakeEngine({ maxModelLen: 256 });
});
after(() => engine.close());

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: number };
}

async function expectError(path: string, body: unknown, status: number, message: RegExp | string, param?: string | null): Promise<ErrorBody> {
  const response = await post(`${engine.url}${path}`, body);
  assert.equal(response.status, status, response.text);
  assert.equal(response.headers.get('content-type'), 'application/json');
  const parsed = JSON.parse(response.text) as ErrorBody;
  assert.deepEqual(Object.keys(parsed.error), ['message', 'type', 'param', 'code']);
  if (typeof message === 'string') assert.equal(parsed.error.message, message);
  else assert.match(parsed.error.message, message);
  assert.equal(parsed.error.code, status);
  if (param !== undefined) assert.equal(parsed.error.param, param);
  return parsed;
}

const user = (content: string) => [{ role: 'user', content }];

describe('request validation', () => {
  it('refuses a context overflow with the 2026 message, streaming or not', async () => {
    const messages = user('word '.repeat(200));
    const count = (await (await fetch(`${engine.url}/tokenize`, { method: 'POST', body: JSON.stringify({ messages }) })).json()) as { count: number };
    for (const stream of [false, true]) {
      const body = await expectError(
        '/v1/chat/completions',
        { messages, max_tokens: 100, stream },
        400,
        `You passed ${count.count} input tokens and requested 100 output tokens. However, the model's context length is only 256 tokens, resulting in a maximum input length of 156 tokens. Please reduce the length of the input prompt.`,
        'input_tokens',
      );
      assert.equal(body.error.type, 'BadRequestError');
    }
  });

  it('budgets the whole remaining context when no max is given', async () => {
    await expectError('/v1/chat/completions', { messages: user('word '.repeat(300)) }, 400, /requested 0 output tokens\. However, the model's context length is only 256 tokens/, 'input_tokens');
    await expectError('/v1/completions', { prompt: Array.from({ length: 256 }, () => 1) , max_tokens: null }, 400, /You passed 256 input tokens and requested 16 output tokens/, 'input_tokens');
    const ok = await post(`${engine.url}/v1/completions`, { prompt: Array.from({ length: 240 }, () => 1), max_tokens: 16, return_token_ids: true, seed: 1 });
    assert.equal(ok.status, 200);
  });

  it('refuses max tokens beyond the context with vLLM renderer wording', async () => {
    await expectError('/v1/chat/completions', { messages: user('hi'), max_completion_tokens: 300 }, 400, 'max_completion_tokens=300cannot be greater than max_model_len=max_total_tokens=256. Please request fewer output tokens.', 'max_completion_tokens');
    await expectError('/v1/chat/completions', { messages: user('hi'), max_tokens: 0 }, 400, 'max_tokens must be at least 1, got 0.', 'max_tokens');
  });

  it('validates top_logprobs like ChatCompletionRequest', async () => {
    await expectError('/v1/chat/completions', { messages: user('hi'), top_logprobs: 2 }, 400, 'when using `top_logprobs`, `logprobs` must be set to true.', 'top_logprobs');
    await expectError('/v1/chat/completions', { messages: user('hi'), logprobs: true, top_logprobs: -3 }, 400, '`top_logprobs` must be a positive value or -1.', 'top_logprobs');
    await expectError('/v1/chat/completions', { messages: user('hi'), logprobs: true, top_logprobs: 21 }, 400, 'Requested sample logprobs of 21, which is greater than max allowed: 20', 'logprobs');
    await expectError('/v1/chat/completions', { messages: user('hi'), logprobs: true, top_logprobs: -1 }, 400, /Requested sample logprobs of 100277/);
    const ok = await post(`${engine.url}/v1/chat/completions`, { messages: user('hi'), logprobs: true, top_logprobs: 20, max_tokens: 2 });
    assert.equal(ok.status, 200);
  });

  it('answers an unknown model with 404 NotFoundError on every endpoint, and accepts null', async () => {
    for (const [path, body] of [
      ['/v1/chat/completions', { model: 'gpt-4', messages: user('hi') }],
      ['/v1/completions', { model: 'gpt-4', prompt: [1] }],
      ['/tokenize', { model: 'gpt-4', prompt: 'hi' }],
    ] as const) {
      const error = await expectError(path, body, 404, 'The model `gpt-4` does not exist.', 'model');
      assert.equal(error.error.type, 'NotFoundError');
    }
    assert.equal((await post(`${engine.url}/v1/chat/completions`, { model: null, messages: user('hi'), max_tokens: 2 })).status, 200);
  });

  it('refuses other malformed requests with 400', async () => {
    await expectError('/v1/chat/completions', { messages: user('hi'), stream_options: { include_usage: true } }, 400, 'Stream options can only be defined when `stream=True`.', 'stream_options');
    await expectError('/v1/chat/completions', { messages: [] }, 400, /messages must be a non-empty list/);
    await expectError('/v1/chat/completions', { messages: user('hi'), tool_choice: 'auto' }, 400, 'When using `tool_choice`, `tools` must be set.', 'tool_choice');
    await expectError('/v1/chat/completions', { messages: user('hi'), add_generation_prompt: true, continue_final_message: true }, 400, /Cannot set both/);
    await expectError('/v1/chat/completions', { messages: [{ role: 'assistant', tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{oops' } }] }] }, 400, 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)');
    await expectError('/v1/chat/completions', '{"messages": [', 400, /JSON decode error/);
    await expectError('/v1/chat/completions', { messages: user('[[script:nobody]]') }, 400, /no script named 'nobody'/);
  });

  it('answers unknown routes and methods like FastAPI', async () => {
    const missing = await fetch(`${engine.url}/v1/nothing`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { detail: 'Not Found' });
    const wrong = await fetch(`${engine.url}/v1/chat/completions`);
    assert.equal(wrong.status, 405);
    assert.deepEqual(await wrong.json(), { detail: 'Method Not Allowed' });
  });
});
