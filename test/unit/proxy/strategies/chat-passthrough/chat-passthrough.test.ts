import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRequest } from '../../../../../src/wire/openai-chat.ts';
import { messagesKey } from '../../../../../proxy/conversation/conversation-index.ts';
import type { ChatDriver, EngineHttp } from '../../../../../proxy/drivers/driver-types.ts';
import { llamacppChat } from '../../../../../proxy/drivers/llamacpp/llamacpp-driver.ts';
import { openAiChat } from '../../../../../proxy/drivers/openai/openai-driver.ts';
import { vllmChat } from '../../../../../proxy/drivers/vllm/vllm-driver.ts';
import { turnCapBudget } from '../../../../../proxy/rollouts/call-budget.ts';
import type { OpenRollout } from '../../../../../proxy/rollouts/rollout-registry.ts';
import type { ChatCall } from '../../../../../proxy/strategies/call-strategy.ts';
import { createChatPassthrough } from '../../../../../proxy/strategies/chat-passthrough/chat-passthrough.ts';
import { fakeEngineHttp } from '../../../../support/fake-engine-http.ts';

const MESSAGES = [{ role: 'user' as const, content: 'Hi' }];

function call(request: Partial<ChatRequest>, http: EngineHttp, maxTokensCap?: number): ChatCall {
  const full: ChatRequest = { model: 'm', messages: MESSAGES, ...request };
  return {
    rollout: { record: { sampling: { temperature: 1 } } } as unknown as OpenRollout,
    request: full,
    requestJson: JSON.stringify(full),
    dialect: { name: 'openai-chat', answerId: null },
    seq: 1,
    isStream: false,
    choicesAsked: 1,
    budget: turnCapBudget(maxTokensCap),
    policyVersion: 0,
    conversation: { key: messagesKey(full.messages, undefined), lookup: { fresh: true } },
    signal: new AbortController().signal,
    http,
    startedAt: 0,
    startedMs: 0,
  };
}

const sentBody = async (driver: ChatDriver, maxModelLen: number | null, request: Partial<ChatRequest>, http: EngineHttp, cap?: number) =>
  JSON.parse((await createChatPassthrough({ driver, maxModelLen }).prepare(call(request, http, cap))).json) as Record<string, unknown>;

describe('chat pass-through budget', () => {
  it('an unbounded turn gets the context left after the prompt, counted by vLLM /tokenize with the same messages', async () => {
    const http = fakeEngineHttp({ 'POST /tokenize': { body: { count: 96, max_model_len: 4096, tokens: Array.from({ length: 96 }, (_, i) => i) } } });
    const sent = await sentBody(vllmChat, 4096, { chat_template_kwargs: { enable_thinking: false } }, http);
    assert.equal(sent.max_completion_tokens, 4000);
    assert.deepEqual(http.sent.map((r) => `${r.method} ${r.path}`), ['POST /tokenize']);
    assert.deepEqual(http.sent[0]?.json, { model: 'm', messages: MESSAGES, chat_template_kwargs: { enable_thinking: false } });
  });

  it('a bounded turn (the client or the rollout) is not counted: the bound is sent', async () => {
    const http = fakeEngineHttp({});
    assert.equal((await sentBody(vllmChat, 4096, { max_tokens: 300 }, http)).max_completion_tokens, 300);
    assert.equal((await sentBody(vllmChat, 4096, { max_tokens: 300 }, http, 50)).max_completion_tokens, 50);
    assert.equal((await sentBody(vllmChat, 4096, {}, http, 50)).max_completion_tokens, 50);
    assert.deepEqual(http.sent, []);
  });

  it('a prompt that fills the context gets a budget of 1, so the engine answers with its own context error', async () => {
    const http = fakeEngineHttp({ 'POST /tokenize': { body: { count: 5000, tokens: [] } } });
    assert.equal((await sentBody(vllmChat, 4096, {}, http)).max_completion_tokens, 1);
  });

  it('llama.cpp counts through /apply-template + /tokenize and keeps those ids for the record', async () => {
    const http = fakeEngineHttp({ 'POST /apply-template': { body: { prompt: '<|im_start|>user\nHi' } }, 'POST /tokenize': { body: { tokens: [1, 2, 3, 4] } } });
    const prepared = await createChatPassthrough({ driver: llamacppChat, maxModelLen: 2048 }).prepare(call({}, http));
    assert.equal((JSON.parse(prepared.json) as { max_tokens: number }).max_tokens, 2044);
    const answer = { choices: [{ index: 0, message: { role: 'assistant', content: 'Yo' }, logprobs: { content: [{ id: 9, token: 'Yo', logprob: -1 }] }, finish_reason: 'stop' }], usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 } };
    const read = await prepared.readAnswer(answer, Buffer.from(JSON.stringify(answer)));
    assert.deepEqual(read.capture.promptIds, [1, 2, 3, 4]);
    assert.equal(http.sent.length, 2, 'the ids were not rebuilt a second time');
  });

  it('a text-only relay, which cannot count, keeps the client request as it was', async () => {
    const http = fakeEngineHttp({});
    const sent = await sentBody(openAiChat, null, {}, http);
    assert.equal('max_completion_tokens' in sent || 'max_tokens' in sent, false);
    assert.deepEqual(http.sent, []);
  });
});
