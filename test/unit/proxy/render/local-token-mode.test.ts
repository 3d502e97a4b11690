import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { EngineHttp } from '../../../../proxy/drivers/driver-types.ts';
import { driverFor, ENGINE_DRIVERS } from '../../../../proxy/engine/engine-drivers.ts';
import { resolveEngineAtStart } from '../../../../proxy/engine/resolve-engine.ts';
import { createLocalRenderer } from '../../../../proxy/render/local-renderer.ts';
import { TurnDelta } from '../../../../proxy/strategies/token-mode/turn-delta.ts';
import { EngineConfigSchema } from '../../../../src/config/proxy-config.ts';
import { RollcallError } from '../../../../src/errors/rollcall-error.ts';
import type { ChatMessage } from '../../../../src/wire/openai-chat.ts';
import { fixtureJson } from '../../../support/fixtures.ts';
import { IDS, QWEN2_TINY, request } from './tokenizer-fixture.ts';

const renderer = createLocalRenderer(QWEN2_TINY);
const noEngine: EngineHttp = () => Promise.reject(new Error('local rendering must not call the engine'));
const signal = new AbortController().signal;
const TOOLS = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];

describe('token mode with the local renderer', () => {
  it('appends, after the reply’s EOS, exactly what rendering the whole conversation gives', async () => {
    const token = driverFor('sglang', { tokenizerPath: QWEN2_TINY }).token;
    assert.ok(token !== null);
    const user: ChatMessage[] = [{ role: 'user', content: 'Weather in Paris?' }];
    const promptIds = await token.render(noEngine, request(user, { tools: TOOLS }), signal);
    // What the model generated, EOS included, written the way the template prints a call.
    const completionIds = [...(await renderer.tokenizeText('<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>')), IDS.imEnd];
    const reply: ChatMessage = { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] };
    const appended: ChatMessage[] = [{ role: 'tool', tool_call_id: 'c1', content: '{"temp": 21}' }];

    const delta = await new TurnDelta(token, undefined).delta({ http: noEngine, appended, tools: TOOLS, kwargs: undefined, eosId: IDS.imEnd, signal });
    assert.ok('ids' in delta, JSON.stringify(delta));
    assert.deepEqual(delta.ids, await renderer.tokenizeText('\n<|im_start|>user\n<tool_response>\n{"temp": 21}\n</tool_response><|im_end|>\n<|im_start|>assistant\n'));
    const whole = await token.render(noEngine, request([...user, reply, ...appended], { tools: TOOLS }), signal);
    assert.deepEqual([...promptIds, ...completionIds, ...delta.ids], whole);
  });

  it('replaces vLLM’s /tokenize with the local renderer when tokenizerPath is set, and only then', async () => {
    const local = driverFor('vllm', { tokenizerPath: QWEN2_TINY });
    assert.deepEqual(await local.token?.render(noEngine, request([{ role: 'user', content: 'Hi' }]), signal), await renderer.render(request([{ role: 'user', content: 'Hi' }])));
    assert.deepEqual(await local.token?.tokenizeText(noEngine, 'Hi', signal), [72, 105]);
    assert.equal(local.token?.generatePath, '/v1/completions');
    assert.equal(local.chat, ENGINE_DRIVERS.vllm?.chat);
    assert.equal(driverFor('vllm', {}), ENGINE_DRIVERS.vllm);
    assert.equal(driverFor('worker', { tokenizerPath: QWEN2_TINY }).chat, null);
  });
});

describe('SGLang start-up with tokenizerPath', () => {
  let server: Server;
  let url: string;
  const generated: unknown[] = [];
  let requests = 0;
  before(async () => {
    const routes: Record<string, unknown> = {
      'GET /get_model_info': fixtureJson('sglang', 'model-info.json'),
      'GET /get_server_info': fixtureJson('sglang', 'server-info.json'),
      'GET /v1/models': fixtureJson('sglang', 'models.json'),
      'POST /v1/chat/completions': fixtureJson('sglang', 'chat-nonstream.json'),
      'POST /generate': fixtureJson('sglang', 'generate-nonstream.json'),
    };
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        requests++;
        if (req.url === '/generate') generated.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        const body = routes[`${req.method} ${req.url}`];
        res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { detail: 'Not Found' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const config = (mode: 'auto' | 'token', tokenizerPath?: string) => EngineConfigSchema.parse({ kind: 'sglang', upstreams: [url], mode, tokenizerPath });

  it('resolves to token mode, probing /generate with the locally rendered prompt', async () => {
    for (const mode of ['token', 'auto'] as const) {
      generated.length = 0;
      const resolved = await resolveEngineAtStart(config(mode, QWEN2_TINY));
      assert.equal(resolved.mode, 'token', mode);
      assert.equal(resolved.capabilities?.tokenMode, true);
      const probe = generated[0] as { input_ids: number[] };
      assert.deepEqual(probe.input_ids, await renderer.render(request([{ role: 'user', content: 'Hi' }])));
    }
  });

  it('falls back to chat without it (auto), and says what token mode needs', async () => {
    assert.equal((await resolveEngineAtStart(config('auto'))).mode, 'chat');
    await assert.rejects(resolveEngineAtStart(config('token')), /needs a local chat-template renderer/);
  });

  it('refuses a tokenizerPath that is not a model folder before asking the engine', async () => {
    const before = requests;
    await assert.rejects(resolveEngineAtStart(config('token', '/nonexistent/model')), (error: unknown) => error instanceof RollcallError && error.code === 'RC_ERR_RENDER_TEMPLATE');
    assert.equal(requests, before);
  });
});
