import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeEngine, type FakeEngine } from '../../../../fake-engine/server.ts';
import { EngineConfigSchema } from '../../../../../src/config/proxy-config.ts';
import { SseDecoder } from '../../../../../src/sse/sse-decoder.ts';
import type { ChatRequest, WireChatChunk, WireChatCompletion } from '../../../../../src/wire/openai-chat.ts';
import { messagesKey } from '../../../../../proxy/conversation/conversation-index.ts';
import { vllmToken } from '../../../../../proxy/drivers/vllm/vllm-driver.ts';
import { turnCapBudget } from '../../../../../proxy/rollouts/call-budget.ts';
import type { OpenRollout } from '../../../../../proxy/rollouts/rollout-registry.ts';
import type { ChatCall } from '../../../../../proxy/strategies/call-strategy.ts';
import { createTokenMode } from '../../../../../proxy/strategies/token-mode/token-mode.ts';
import { EnginePool } from '../../../../../proxy/upstream/engine-pool.ts';
import { CALC_TOOL, TOOL_REPLY } from '../../../../support/conversation.ts';

/**
 * Token mode's stream read the way client code reads it: `chunk.choices[0].delta` for one choice,
 * per-index for n > 1, with nothing merged on the client's behalf. What a client assembles must
 * equal the non-streaming answer for the same seed, whether the engine sends one token per event
 * or several (vLLM's stream batching: the fake engine's `chunkTokens`).
 */

const REPLIES: Record<string, string> = {
  one: 'Hi',
  tool: TOOL_REPLY,
  think: '<think>\nAdd them up.\n</think>\n\nThe sum is 12.',
  prose: 'Twelve is the sum of seven and five, as a quick count shows.',
};

type Assembled = { content: string; reasoning: string; toolCalls: { name: string; arguments: string }[]; finish: string | null; logprobs: number; order: string[] };

/** What a client builds from the entries of one choice, in arrival order. */
function assemble(entries: WireChatChunk['choices']): Assembled {
  const out: Assembled = { content: '', reasoning: '', toolCalls: [], finish: null, logprobs: 0, order: [] };
  for (const entry of entries) {
    const delta = entry.delta ?? {};
    if (delta.role !== undefined) out.order.push('role');
    if (typeof delta.content === 'string' && delta.content !== '') out.order.push('content');
    if (typeof delta.reasoning === 'string') out.order.push('reasoning');
    if (delta.tool_calls !== undefined) out.order.push('tool');
    if (entry.finish_reason) out.order.push('finish');
    out.content += delta.content ?? '';
    out.reasoning += delta.reasoning ?? '';
    for (const call of delta.tool_calls ?? []) {
      out.toolCalls[call.index] ??= { name: '', arguments: '' };
      out.toolCalls[call.index]!.name += call.function?.name ?? '';
      out.toolCalls[call.index]!.arguments += call.function?.arguments ?? '';
    }
    out.finish = entry.finish_reason ?? out.finish;
    out.logprobs += entry.logprobs?.content?.length ?? 0;
  }
  return out;
}

function expectedOf(completion: WireChatCompletion, index: number) {
  const choice = completion.choices.find((c) => c.index === index)!;
  const message = choice.message;
  return {
    content: message.content ?? '',
    reasoning: (message.reasoning as string | undefined) ?? '',
    toolCalls: (message.tool_calls ?? []).map((c) => ({ name: c.function.name, arguments: c.function.arguments })),
    finish: choice.finish_reason,
    logprobs: choice.logprobs?.content?.length ?? 0,
  };
}

for (const chunkTokens of [1, 3]) {
  describe(`token-mode stream, ${chunkTokens} token(s) per engine event`, () => {
    let engine: FakeEngine;
    let pool: EnginePool;
    before(async () => {
      engine = await startFakeEngine({ chunkTokens });
      for (const [name, reply] of Object.entries(REPLIES)) engine.script(name, [reply]);
      pool = new EnginePool(EngineConfigSchema.parse({ upstreams: [engine.url] }));
    });
    after(async () => {
      await pool.close();
      await engine.close();
    });

    const strategy = () => createTokenMode({ driver: vllmToken, config: { toolParser: 'hermes', reasoningParser: true }, maxModelLen: 4096, models: ['fake-model'] });

    function call(request: ChatRequest): ChatCall {
      const key = messagesKey(request.messages, request.tools);
      return {
        rollout: { record: { sampling: { seed: 7, temperature: 0.8 } } } as unknown as OpenRollout,
        request,
        requestJson: JSON.stringify(request),
        dialect: { name: 'openai-chat', answerId: null },
        seq: 1,
        isStream: request.stream === true,
        choicesAsked: request.n ?? 1,
        budget: turnCapBudget(undefined),
        policyVersion: 0,
        conversation: { key, lookup: { fresh: true } },
        signal: new AbortController().signal,
        http: (r) => pool.request(engine.url, r),
        startedAt: Date.now(),
        startedMs: performance.now(),
      };
    }

    /** The stream's chunks as the client receives them, and the non-streaming answer for the same request. */
    async function both(script: string, extra: Partial<ChatRequest> = {}) {
      const request: ChatRequest = { model: 'fake-model', messages: [{ role: 'user', content: `[[script:${script}]]` }], ...extra };
      const token = strategy();
      const unaryPrepared = await token.prepare(call(request));
      const unaryResponse = await pool.request(engine.url, { method: 'POST', path: unaryPrepared.path, body: unaryPrepared.json });
      const bytes = Buffer.from(await unaryResponse.body.arrayBuffer());
      const unary = (await unaryPrepared.readAnswer(JSON.parse(bytes.toString()), bytes)).completion as WireChatCompletion;

      const prepared = await token.prepare(call({ ...request, stream: true }));
      const reader = prepared.openStream();
      const response = await pool.request(engine.url, { method: 'POST', path: prepared.path, body: prepared.json });
      const chunks: WireChatChunk[] = [];
      const decoder = new SseDecoder();
      for await (const piece of response.body) {
        for (const event of decoder.push(piece)) {
          if (event.data === '[DONE]') continue;
          chunks.push(...reader.push(JSON.parse(event.data) as Record<string, unknown>, event.raw).map((e) => e.chunk));
        }
      }
      const end = await reader.finish(true);
      chunks.push(...end.tail.map((e) => e.chunk));
      return { unary, chunks, end };
    }

    it('a one-token answer reaches a choices[0] reader whole: role, then the text, then the finish reason', async () => {
      const { unary, chunks } = await both('one');
      assert.deepEqual(chunks.map((c) => c.choices.length), chunks.map(() => 1), 'one choice entry per chunk');
      const got = assemble(chunks.map((c) => c.choices[0]!));
      assert.equal(got.content, 'Hi');
      assert.equal(got.finish, 'stop');
      assert.deepEqual(got.order, ['role', 'content', 'finish']);
      assert.deepEqual({ ...got, order: undefined }, { ...expectedOf(unary, 0), order: undefined });
      assert.deepEqual(chunks[0]!.choices[0]!.delta, { role: 'assistant', content: '' }, 'the role chunk is first, as vLLM sends it');
    });

    it('a tool call comes whole, then the finish reason tool_calls, each in its own chunk', async () => {
      const { unary, chunks } = await both('tool', { tools: [CALC_TOOL as never] });
      assert.deepEqual(chunks.map((c) => c.choices.length), chunks.map(() => 1), 'one choice entry per chunk');
      const got = assemble(chunks.map((c) => c.choices[0]!));
      assert.deepEqual(got.toolCalls, [{ name: 'execute_python_code', arguments: '{"code":"print(6*7)"}' }]);
      assert.equal(got.finish, 'tool_calls');
      assert.deepEqual(got.order, ['role', 'tool', 'finish']);
      assert.deepEqual({ ...got, order: undefined }, { ...expectedOf(unary, 0), order: undefined });
      const toolChunk = chunks.find((c) => c.choices[0]?.delta.tool_calls !== undefined)!;
      assert.equal(typeof toolChunk.choices[0]!.delta.tool_calls![0]!.id, 'string');
      assert.equal(toolChunk.choices[0]!.delta.tool_calls![0]!.type, 'function');
    });

    it('reasoning streams before the content and both add up to the non-streaming message', async () => {
      const { unary, chunks } = await both('think');
      const got = assemble(chunks.map((c) => c.choices[0]!));
      assert.equal(got.reasoning, '\nAdd them up.\n');
      assert.equal(got.content, 'The sum is 12.');
      assert.ok(got.order.lastIndexOf('reasoning') < got.order.indexOf('content'), `order: ${got.order.join(', ')}`);
      assert.deepEqual({ ...got, order: undefined }, { ...expectedOf(unary, 0), order: undefined });
    });

    it('include_usage: the last chunk has no choice and the usage of the non-streaming answer', async () => {
      const { unary, chunks } = await both('prose', { stream_options: { include_usage: true } });
      const last = chunks.at(-1)!;
      assert.deepEqual(last.choices, []);
      assert.deepEqual(last.usage, unary.usage);
      assert.deepEqual(chunks.slice(0, -1).map((c) => [c.choices.length, c.usage]), chunks.slice(0, -1).map(() => [1, undefined]), 'only the last chunk lacks a choice or has usage');
    });

    it('without include_usage no chunk lacks a choice', async () => {
      const { chunks } = await both('prose');
      assert.deepEqual(chunks.map((c) => c.choices.length), chunks.map(() => 1), 'one choice entry per chunk');
    });

    it('logprobs asked for: every token, the EOS included, is on exactly one chunk', async () => {
      const { unary, chunks, end } = await both('prose', { logprobs: true });
      const got = assemble(chunks.map((c) => c.choices[0]!));
      assert.equal(got.logprobs, end.capture.choices[0]!.completionIds.length);
      assert.equal(got.logprobs, expectedOf(unary, 0).logprobs);
    });

    it('n = 2: each chunk holds at most one entry per index; each index starts with its role and ends with its finish', async () => {
      const { unary, chunks } = await both('prose', { n: 2, temperature: 1.2 });
      for (const chunk of chunks) assert.equal(new Set(chunk.choices.map((c) => c.index)).size, chunk.choices.length, 'no index twice in one chunk');
      for (const index of [0, 1]) {
        const got = assemble(chunks.flatMap((c) => c.choices.filter((e) => e.index === index)));
        assert.equal(got.order[0], 'role');
        assert.equal(got.order.at(-1), 'finish');
        assert.equal(got.order.filter((o) => o === 'finish').length, 1);
        assert.deepEqual({ ...got, order: undefined }, { ...expectedOf(unary, index), order: undefined });
      }
    });
  });
}
