import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildLlamacppChatRequest } from '../../../../../proxy/drivers/llamacpp/chat-request.ts';
import type { ChatRequest } from '../../../../../src/wire/openai-chat.ts';

const client = (extra: Partial<ChatRequest> & Record<string, unknown> = {}): ChatRequest => ({ messages: [{ role: 'user', content: 'Say hi' }], ...extra });

describe('llama.cpp chat request mapping', () => {
  it('sends every sampler: the policy, else the client, else its disabled form (not llama-server defaults)', () => {
    const sent = buildLlamacppChatRequest(client({ top_k: 20, presence_penalty: 0.5 }), { temperature: 0.9, seed: 11 }, undefined);
    assert.equal(sent.temperature, 0.9);
    assert.equal(sent.top_p, 1);
    assert.equal(sent.top_k, 20);
    assert.equal(sent.min_p, 0);
    assert.equal(sent.seed, 11);
    assert.equal(sent.presence_penalty, 0.5, 'a client penalty is kept');
    for (const [key, value] of Object.entries({ typical_p: 1, repeat_penalty: 1, frequency_penalty: 0, dry_multiplier: 0, xtc_probability: 0, top_n_sigma: -1, mirostat: 0 })) {
      assert.equal(sent[key], value, key);
    }
    assert.equal(sent.post_sampling_probs, false);
  });

  it('asks for ids with n_probs, not logprobs (refused with tools + stream; defaults to 20 top entries)', () => {
    const sent = buildLlamacppChatRequest(client({ stream: true, tools: [{ type: 'function', function: { name: 'f' } }] }), {}, undefined);
    assert.equal(sent.n_probs, 1);
    assert.equal('logprobs' in sent, false);
    assert.equal('top_logprobs' in sent, false);
    assert.deepEqual(sent.stream_options, { include_usage: true });
  });

  it("keeps a client's logprobs, with at least one top entry (top_logprobs 0 would drop the ids)", () => {
    const none = buildLlamacppChatRequest(client({ logprobs: true, top_logprobs: 0 }), {}, undefined);
    assert.deepEqual([none.logprobs, none.top_logprobs, none.n_probs], [true, 1, 1]);
    const five = buildLlamacppChatRequest(client({ logprobs: true, top_logprobs: 5 }), {}, undefined);
    assert.deepEqual([five.top_logprobs, five.n_probs], [5, 5]);
  });

  it('sends the capped budget as max_tokens, the name every build reads', () => {
    const sent = buildLlamacppChatRequest(client({ max_completion_tokens: 500 }), {}, 64);
    assert.equal(sent.max_tokens, 64);
    assert.equal('max_completion_tokens' in sent, false);
    assert.equal(buildLlamacppChatRequest(client({ max_tokens: 32 }), {}, 64).max_tokens, 32);
    assert.equal('max_tokens' in buildLlamacppChatRequest(client(), {}, undefined), false);
  });
});
