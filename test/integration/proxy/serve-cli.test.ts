import assert from 'node:assert/strict';
import { mkdtempSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { CALC_TOOL, FINAL_REPLY, systemPrompt, TOOL_REPLY } from '../../support/conversation.ts';
import { spawnServe, stopServe } from '../../support/serve-process.ts';

let engine: FakeEngine;
before(async () => {
  engine = await startFakeEngine();
  engine.script('calc', [TOOL_REPLY, FINAL_REPLY]);
});
after(async () => {
  await engine.close();
});

test('rollcall serve starts, prints its base URL and admin-token file, and records a streamed tool conversation exactly', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-serve-'));
  const tokenFile = join(dir, 'admin-token');
  const serve = await spawnServe(['--upstream', engine.url, '--mode', 'chat', '--db', join(dir, 'r.db'), '--admin-token-file', tokenFile]);
  try {
    assert.match(serve.banner, /base URL:\s+http:\/\/127\.0\.0\.1:\d+\/v1/);
    assert.ok(serve.banner.includes(tokenFile));
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);
    const token = readFileSync(tokenFile, 'utf8').trim();
    const root = serve.baseUrl.replace(/\/v1$/, '');
    const created = (await (await fetch(`${root}/admin/rollouts`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: '{"sampling":{"seed":5}}' })).json()) as { rolloutId: string; apiKey: string; baseUrl: string };
    assert.equal(created.baseUrl, serve.baseUrl);

    const openai = new OpenAI({ baseURL: created.baseUrl, apiKey: created.apiKey, maxRetries: 0 });
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: systemPrompt('calc') },
      { role: 'user', content: 'What is 6*7?' },
    ];
    const texts: string[] = [];
    for (let turn = 0; turn < 2; turn++) {
      const stream = await openai.chat.completions.create({ model: 'fake-model', messages, tools: [CALC_TOOL], stream: true });
      let text = '';
      const calls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = [];
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta;
        text += delta?.content ?? '';
        for (const t of delta?.tool_calls ?? []) {
          calls[t.index] ??= { id: t.id ?? '', type: 'function', function: { name: '', arguments: '' } };
          calls[t.index]!.function.name += t.function?.name ?? '';
          calls[t.index]!.function.arguments += t.function?.arguments ?? '';
        }
      }
      texts.push(text);
      messages.push({ role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) } as ChatCompletionMessageParam);
      if (calls.length) messages.push({ role: 'tool', tool_call_id: calls[0]!.id, content: '42' });
    }
    assert.match(texts[1] ?? '', /\\boxed\{42\}/);
    const view = (await (await fetch(`${root}/admin/rollouts/${created.rolloutId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as any;
    assert.equal(view.calls.length, 2);
    const engineCalls = engine.requests.filter((r) => r.path === '/v1/chat/completions').slice(-2);
    for (const [i, call] of view.calls.entries()) {
      assert.equal(call.trainable, true);
      assert.equal(call.stream, true);
      assert.equal(call.completionIds.length, call.usage.completionTokens);
      assert.equal(call.logprobs.length, call.completionIds.length);
      assert.deepEqual(call.sent.messages, engineCalls[i]?.body.messages);
    }
    assert.equal(view.calls[0].response.choices[0].message.tool_calls[0].function.name, 'execute_python_code');
  } finally {
    assert.equal(await stopServe(serve), 0);
  }
});

test('rollcall serve refuses a bad flag with its usage', async () => {
  await assert.rejects(spawnServe(['--engine', 'nonsense']), /engine\.kind/);
});
