import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSglangChatRequest } from '../../../../../proxy/drivers/sglang/chat-request.ts';
import type { ChatRequest } from '../../../../../src/wire/openai-chat.ts';

const client = (extra: Partial<ChatRequest> & Record<string, unknown> = {}): ChatRequest => ({
  model: 'Qwen/Qwen3-8B',
  messages: [{ role: 'user', content: 'Say hi' }],
  ...extra,
});

describe('SGLang chat request mapping', () => {
  it('sends every sampling parameter: the policy, else the client, else the neutral value', () => {
    const sent = buildSglangChatRequest(client({ temperature: 0.2, top_k: 20 }), { temperature: 1, topP: 0.9, seed: 7 }, undefined);
    assert.equal(sent.temperature, 1, 'the rollout policy wins over the client');
    assert.equal(sent.top_p, 0.9);
    assert.equal(sent.top_k, 20, 'a client value the policy leaves open is kept');
    assert.equal(sent.min_p, 0, 'unset: neutral, not generation_config');
    assert.equal(sent.repetition_penalty, 1);
    assert.equal(sent.seed, 7);
  });

  it('caps the completion budget as max_completion_tokens and drops max_tokens', () => {
    assert.equal(buildSglangChatRequest(client({ max_tokens: 500 }), {}, 128).max_completion_tokens, 128);
    assert.equal(buildSglangChatRequest(client({ max_completion_tokens: 64 }), {}, 128).max_completion_tokens, 64);
    const sent = buildSglangChatRequest(client({ max_tokens: 500 }), {}, undefined);
    assert.equal(sent.max_completion_tokens, 500);
    assert.equal('max_tokens' in sent, false);
    assert.equal('max_completion_tokens' in buildSglangChatRequest(client(), {}, undefined), false);
  });

  it('asks a unary call for return_token_ids and the sglext ids, with logprobs', () => {
    const sent = buildSglangChatRequest(client(), {}, undefined);
    assert.equal(sent.return_token_ids, true);
    assert.equal(sent.return_input_ids_in_sglext, true);
    assert.equal(sent.return_output_ids_in_sglext, true);
    assert.equal(sent.logprobs, true);
    assert.equal(sent.top_logprobs, 0);
    assert.equal(buildSglangChatRequest(client({ logprobs: true, top_logprobs: 3 }), {}, undefined).top_logprobs, 3);
  });

  it('never sends return_token_ids on a stream (SGLang answers 400), only the sglext flags and usage', () => {
    const sent = buildSglangChatRequest(client({ stream: true, return_token_ids: true, return_prompt_token_ids: true, stream_options: { include_usage: false } }), {}, undefined);
    assert.equal('return_token_ids' in sent, false);
    assert.equal('return_prompt_token_ids' in sent, false);
    assert.equal(sent.return_input_ids_in_sglext, true);
    assert.equal(sent.return_output_ids_in_sglext, true);
    assert.deepEqual(sent.stream_options, { include_usage: true });
  });

  it('passes fields it does not own through untouched', () => {
    const sent = buildSglangChatRequest(client({ tools: [{ type: 'function', function: { name: 'f' } }], chat_template_kwargs: { enable_thinking: false } }), {}, undefined);
    assert.deepEqual(sent.chat_template_kwargs, { enable_thinking: false });
    assert.equal((sent.tools as unknown[]).length, 1);
    assert.deepEqual(sent.messages, [{ role: 'user', content: 'Say hi' }]);
  });
});
