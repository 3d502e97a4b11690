import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CALC_TOOL, FINAL_REPLY, systemPrompt, TOOL_REPLY } from '../../support/conversation.ts';
import { withEngineAndProxy } from '../../support/proxy-harness.ts';

const run = promisify(execFile);
const env = withEngineAndProxy({ script: (engine) => engine.script('calc', [TOOL_REPLY, FINAL_REPLY]) });

const body = (stream: boolean) =>
  JSON.stringify({
    model: 'fake-model',
    stream,
    tools: [CALC_TOOL],
    messages: [
      { role: 'system', content: systemPrompt('calc') },
      { role: 'user', content: 'What is 6*7?' },
    ],
  });

function dataEvents(text: string): string[] {
  return text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
}

test('raw fetch with the key in the path form /r/<key>/v1', async () => {
  const { apiKey, rolloutId } = await env.proxy.createRollout({ sampling: { seed: 3 } });
  const response = await fetch(`${env.proxy.url}/r/${apiKey}/v1/chat/completions`, { method: 'POST', body: body(false), headers: { 'content-type': 'application/json' } });
  assert.equal(response.status, 200);
  const json = (await response.json()) as { choices: { message: { tool_calls: unknown[] } }[] };
  assert.equal(json.choices[0]?.message.tool_calls.length, 1);
  const { body: rollout } = await env.proxy.admin('GET', `/admin/rollouts/${rolloutId}`);
  assert.equal(rollout.calls.length, 1);
});

test('raw fetch with an x-api-key header streams SSE ending in [DONE]', async () => {
  const { apiKey } = await env.proxy.createRollout({ sampling: { seed: 3 } });
  const response = await fetch(`${env.proxy.url}/v1/chat/completions`, { method: 'POST', body: body(true), headers: { 'x-api-key': apiKey } });
  assert.equal(response.headers.get('content-type')?.startsWith('text/event-stream'), true);
  const events = dataEvents(await response.text());
  assert.equal(events.at(-1), '[DONE]');
  assert.ok(events.slice(0, -1).every((e) => JSON.parse(e).object === 'chat.completion.chunk'));
});

test('curl -N streams through the proxy and curl without a content type still works', async () => {
  const { apiKey, rolloutId } = await env.proxy.createRollout({ sampling: { seed: 3 } });
  const { stdout } = await run('curl', ['-sN', '-H', `authorization: Bearer ${apiKey}`, '-H', 'content-type: application/json', '-d', body(true), `${env.proxy.url}/v1/chat/completions`]);
  const events = dataEvents(stdout);
  assert.equal(events.at(-1), '[DONE]');
  const names = events.slice(0, -1).flatMap((e) => JSON.parse(e).choices?.[0]?.delta?.tool_calls ?? []).map((t: { function?: { name?: string } }) => t.function?.name).filter(Boolean);
  assert.deepEqual(names, ['execute_python_code']);
  const plain = await run('curl', ['-s', '-H', `api-key: ${apiKey}`, '-d', body(false), `${env.proxy.url}/v1/chat/completions`]);
  assert.ok(JSON.parse(plain.stdout).choices);
  const { body: rollout } = await env.proxy.admin('GET', `/admin/rollouts/${rolloutId}`);
  assert.deepEqual(rollout.calls.map((c: { stream: boolean; trainable: boolean }) => [c.stream, c.trainable]), [[true, true], [false, true]]);
});

test('GET /v1/models answers with the engine models for a rollout key', async () => {
  const { apiKey } = await env.proxy.createRollout();
  const response = await fetch(`${env.proxy.url}/v1/models`, { headers: { authorization: `Bearer ${apiKey}` } });
  const json = (await response.json()) as { data: { id: string }[] };
  assert.equal(json.data[0]?.id, env.engine.modelName);
});
