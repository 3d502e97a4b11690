import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findUntrainableReason } from '../../../../../proxy/capture/call-capture.ts';
import { openAiDriver } from '../../../../../proxy/drivers/openai/openai-driver.ts';
import { driverFor } from '../../../../../proxy/engine/engine-drivers.ts';
import type { ChatRequest } from '../../../../../src/wire/openai-chat.ts';
import { fixtureJson, fixturePayloads } from '../../../../support/fixtures.ts';

const chat = openAiDriver.chat;
const JUDGE: ChatRequest = { model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'Is 42 the answer? Say CORRECT or WRONG.' }], temperature: 0 };

describe('OpenAI-compatible driver requests', () => {
  it('relays the request without asking for token ids or logprobs, and ignores the sampling policy', () => {
    assert.ok(chat !== null);
    const sent = chat.buildRequest(JUDGE, { temperature: 1, topP: 0.95, topK: 20, minP: 0.05 }, undefined);
    assert.deepEqual(sent, JUDGE);
    for (const key of ['return_token_ids', 'logprobs', 'top_logprobs', 'top_k', 'min_p', 'n_probs']) assert.equal(key in sent, false, key);
  });

  it("caps the budget under the client's own field name", () => {
    assert.ok(chat !== null);
    assert.equal(chat.buildRequest({ ...JUDGE, max_tokens: 500 }, {}, 64).max_tokens, 64);
    assert.equal(chat.buildRequest({ ...JUDGE, max_completion_tokens: 32 }, {}, 64).max_completion_tokens, 32);
    const capped = chat.buildRequest(JUDGE, {}, 64);
    assert.equal(capped.max_completion_tokens, 64);
    assert.equal('max_tokens' in capped, false);
  });

  it('asks a stream for usage, which the rollout token budget counts', () => {
    assert.ok(chat !== null);
    assert.deepEqual(chat.buildRequest({ ...JUDGE, stream: true }, {}, undefined).stream_options, { include_usage: true });
  });
});

describe('OpenAI-compatible driver captures', () => {
  it('records the answer and usage of a unary call, untrainable by design', () => {
    assert.ok(chat !== null);
    assert.equal(chat.capturesTokens, false);
    const capture = chat.captureUnary(fixtureJson('openai', 'chat-nonstream.json'));
    assert.equal(capture.promptIds, null);
    assert.deepEqual(capture.choices, [{ index: 0, completionIds: [], logprobs: [], finishReason: 'stop' }]);
    assert.deepEqual(capture.usage, { promptTokens: 112, completionTokens: 2, totalTokens: 114 });
    assert.equal((capture.response as { choices: { message: { content: string } }[] }).choices[0]?.message.content, 'CORRECT');
    assert.equal(findUntrainableReason(capture), 'the engine returned no prompt token ids');
  });

  it('takes no ids even from a server that volunteers them', () => {
    assert.ok(chat !== null);
    const body = { ...(fixtureJson('openai', 'chat-nonstream.json') as object), prompt_token_ids: [1, 2, 3] };
    assert.equal(chat.captureUnary(body).promptIds, null);
  });

  it('rebuilds a streamed answer with its usage', () => {
    assert.ok(chat !== null);
    const capture = chat.newStreamCapture();
    for (const payload of fixturePayloads('openai', 'chat-stream.sse')) capture.push(payload);
    const result = capture.result();
    assert.equal(result.promptIds, null);
    assert.equal((result.response as { choices: { message: { content: string } }[] }).choices[0]?.message.content, 'CORRECT');
    assert.deepEqual(result.usage, { promptTokens: 112, completionTokens: 2, totalTokens: 114 });
    assert.deepEqual(result.choices, [{ index: 0, completionIds: [], logprobs: [], finishReason: 'stop' }]);
  });

  it('is the registered openai driver, chat only', () => {
    assert.equal(driverFor('openai'), openAiDriver);
    assert.equal(openAiDriver.token, null);
  });
});
