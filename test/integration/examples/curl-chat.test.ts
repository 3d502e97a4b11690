import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { withEngineAndProxy } from '../../support/proxy-harness.ts';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../../examples/math-agent/curl-chat.sh', import.meta.url));
const env = withEngineAndProxy({
  proxy: { engine: { mode: 'token' } as never },
  script: (engine) => engine.scriptWhen('Natalia sold', ['<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(48 + 24)"}}\n</tool_call>']),
});

test('the example curl script makes one recorded turn, plain and streamed, with a question that needs escaping', async () => {
  const { apiKey, baseUrl, rolloutId } = await env.proxy.createRollout();
  const scriptEnv = { ...process.env, OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: apiKey, OPENAI_MODEL: env.engine.modelName };
  const question = 'Natalia sold 48 "clips" in April\\May and half as many in May.\nHow many in total?';
  const plain = await run(SCRIPT, [question], { env: scriptEnv });
  const answer = JSON.parse(plain.stdout) as { choices: { message: { tool_calls: { function: { name: string; arguments: string } }[] } }[] };
  assert.deepEqual(JSON.parse(answer.choices[0]!.message.tool_calls[0]!.function.arguments), { code: 'print(48 + 24)' });
  const streamed = await run(SCRIPT, [question, '--stream'], { env: scriptEnv });
  assert.match(streamed.stdout, /data: \[DONE\]/);
  const calls = env.proxy.store.calls.listForRollout(rolloutId);
  assert.equal(calls.length, 2);
  assert.ok(calls.every((c) => c.trainable));
  assert.equal((JSON.parse(calls[0]!.requestJson) as { messages: { content: string }[] }).messages[1]?.content, question);
});
