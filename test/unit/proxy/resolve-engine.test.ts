import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { resolveEngineAtStart } from '../../../proxy/engine/resolve-engine.ts';
import { EngineConfigSchema } from '../../../src/config/proxy-config.ts';
import { RollcallError } from '../../../src/errors/rollcall-error.ts';

/** An old vLLM (0.9): chat answers without token ids, no /tokenize chat form. */
let server: Server;
let url: string;
before(async () => {
  server = createServer((req, res) => {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    req.resume();
    req.on('end', () => {
      if (req.url === '/version') return json(200, { version: '0.9.0' });
      if (req.url === '/v1/models') return json(200, { object: 'list', data: [{ id: 'old-model', max_model_len: 4096 }] });
      if (req.url === '/v1/chat/completions') return json(200, { choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'length' }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } });
      json(404, { detail: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const config = (mode: 'chat' | 'token' | 'auto') => EngineConfigSchema.parse({ kind: 'vllm', upstreams: [url], mode });

for (const [mode, expected] of [
  ['chat', /\(0\.9\.0\) cannot serve this configuration: chat capture needs token ids in chat answers \(vLLM >= 0\.10\.2, return_token_ids\)/],
  ['token', /\(0\.9\.0\) cannot serve this configuration: token mode needs generation from token ids/],
  ['auto', /neither mode works/],
] as const) {
  test(`an engine that cannot give what ${mode} mode needs is refused at start, saying what is missing`, async () => {
    await assert.rejects(resolveEngineAtStart(config(mode)), (error: unknown) => {
      assert.ok(error instanceof RollcallError);
      assert.equal(error.code, 'RC_ERR_ENGINE_CAPABILITY');
      assert.match(error.message, expected);
      assert.ok(error.message.includes(url));
      return true;
    });
  });
}

test('an engine that is not up yet is left undetected, with a warning, so the proxy can start first', async () => {
  const resolved = await resolveEngineAtStart(EngineConfigSchema.parse({ kind: 'vllm', upstreams: ['http://127.0.0.1:9'], mode: 'auto' }));
  assert.equal(resolved.mode, null, 'no mode is guessed before the engine says what it can do');
  assert.equal(resolved.capabilities, null);
  assert.match(resolved.warning ?? '', /no replica answered at start .* RC_ERR_ENGINE_NOT_READY/);
});
