import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { CALC_TOOL, TOOL_REPLY } from '../../support/conversation.ts';
import { startProxy, type Harness } from '../../support/proxy-harness.ts';

/**
 * What every streaming client can rely on, in both modes, read from the raw SSE the way curl or
 * Python's `requests` users do: `data: ` lines, `choices[0]` of each chunk. The proxy always asks
 * the engine for usage; a client that did not gets no chunk without a choice (Python code that
 * indexes `chunk.choices[0]` would raise on one).
 */

type Chunk = { choices: { index: number; delta: { role?: string; content?: string | null; tool_calls?: { index: number; function?: { name?: string; arguments?: string } }[] }; finish_reason?: string | null }[]; usage?: unknown };

function chunksOf(text: string): Chunk[] {
  const events = text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
  assert.equal(events.at(-1), '[DONE]');
  return events.slice(0, -1).map((e) => JSON.parse(e) as Chunk);
}

for (const chunkTokens of [1, 3]) {
  describe(`streams with ${chunkTokens} token(s) per engine event`, () => {
    let engine: FakeEngine;
    const proxies: Partial<Record<'token' | 'chat', Harness>> = {};
    before(async () => {
      engine = await startFakeEngine({ chunkTokens });
      engine.script('tool', [TOOL_REPLY]);
      engine.script('one', ['Hi']);
      proxies.token = await startProxy([engine.url], { engine: { mode: 'token' } as never });
      proxies.chat = await startProxy([engine.url], { engine: { mode: 'chat' } as never });
    });
    after(async () => {
      await proxies.token?.close();
      await proxies.chat?.close();
      await engine.close();
    });

    async function post(mode: 'token' | 'chat', body: Record<string, unknown>): Promise<Chunk[]> {
      const proxy = proxies[mode]!;
      const { apiKey } = await proxy.createRollout({ sampling: { seed: 4 } });
      const response = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', stream: true, ...body }),
      });
      assert.equal(response.status, 200);
      return chunksOf(await response.text());
    }

    for (const mode of ['token', 'chat'] as const) {
      it(`${mode} mode: a one-token answer, read through choices[0] of each chunk, is the whole answer`, async () => {
        const chunks = await post(mode, { messages: [{ role: 'user', content: '[[script:one]]' }] });
        assert.deepEqual(chunks.map((c) => c.choices.length), chunks.map(() => 1), 'every chunk has exactly one choice');
        assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant', 'the role comes first');
        assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), 'Hi');
        assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop', 'the finish reason comes last');
      });

      it(`${mode} mode: a tool call then finish_reason tool_calls reach a choices[0] reader`, async () => {
        const chunks = await post(mode, { messages: [{ role: 'user', content: '[[script:tool]]' }], tools: [CALC_TOOL] });
        const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
        assert.equal(calls.map((t) => t.function?.name ?? '').join(''), 'execute_python_code');
        assert.deepEqual(JSON.parse(calls.map((t) => t.function?.arguments ?? '').join('')), { code: 'print(6*7)' });
        assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'tool_calls');
      });

      it(`${mode} mode: usage arrives only when asked for, as the one last chunk without a choice`, async () => {
        const plain = await post(mode, { messages: [{ role: 'user', content: 'Say something.' }], max_tokens: 6 });
        assert.deepEqual(plain.filter((c) => c.choices.length === 0), []);
        const withUsage = await post(mode, { messages: [{ role: 'user', content: 'Say something.' }], max_tokens: 6, stream_options: { include_usage: true } });
        const empty = withUsage.filter((c) => c.choices.length === 0);
        assert.equal(empty.length, 1);
        assert.equal(withUsage.at(-1), empty[0]);
        assert.deepEqual(Object.keys(empty[0]!.usage as object).sort(), ['completion_tokens', 'prompt_tokens', 'total_tokens']);
      });

      it(`${mode} mode: with n = 2 no chunk holds an index twice`, async () => {
        const chunks = await post(mode, { messages: [{ role: 'user', content: 'Two ideas, please.' }], n: 2, max_tokens: 10 });
        for (const chunk of chunks) assert.equal(new Set(chunk.choices.map((c) => c.index)).size, chunk.choices.length, JSON.stringify(chunk.choices));
        assert.deepEqual([...new Set(chunks.flatMap((c) => c.choices.map((e) => e.index)))].sort(), [0, 1]);
      });
    }
  });
}
