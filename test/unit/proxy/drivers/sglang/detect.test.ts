import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RenderRequest } from '../../../../../proxy/drivers/driver-types.ts';
import type { SglangCapabilities } from '../../../../../proxy/drivers/sglang/detect.ts';
import { createSglangDriver, sglangDriver } from '../../../../../proxy/drivers/sglang/sglang-driver.ts';
import { driverFor } from '../../../../../proxy/engine/engine-drivers.ts';
import { RollcallError } from '../../../../../src/errors/rollcall-error.ts';
import { fakeEngineHttp, type FakeAnswer } from '../../../../support/fake-engine-http.ts';
import { cloneJson, fixtureJson } from '../../../../support/fixtures.ts';

const PROMPT = [151644, 872, 198, 13048, 151645, 198, 151644, 77091, 198];

function sglangRoutes(overrides: Record<string, FakeAnswer> = {}): Record<string, FakeAnswer> {
  return {
    'GET /get_model_info': { body: fixtureJson('sglang', 'model-info.json') },
    'GET /get_server_info': { body: fixtureJson('sglang', 'server-info.json') },
    'GET /v1/models': { body: fixtureJson('sglang', 'models.json') },
    'POST /v1/chat/completions': { body: fixtureJson('sglang', 'chat-nonstream.json') },
    'POST /generate': { body: fixtureJson('sglang', 'generate-nonstream.json') },
    ...overrides,
  };
}

const renderer = {
  rendered: [] as RenderRequest[],
  async render(request: RenderRequest) {
    this.rendered.push(request);
    return PROMPT;
  },
  async tokenizeText() {
    return [13048];
  },
};

describe('SGLang capability detection', () => {
  it('reads version, models and context length, and probes chat ids and /generate', async () => {
    const http = fakeEngineHttp(sglangRoutes());
    const caps = (await createSglangDriver({ renderer }).detect(http)) as SglangCapabilities;
    assert.deepEqual(
      { version: caps.version, models: caps.models, maxModelLen: caps.maxModelLen, chatTokenIds: caps.chatTokenIds, tokenMode: caps.tokenMode },
      { version: '0.5.23', models: ['Qwen/Qwen3-8B'], maxModelLen: 40960, chatTokenIds: true, tokenMode: true },
    );
    assert.deepEqual(caps.needs, { chat: null, token: null });
    const generate = http.sent.find((r) => r.path === '/generate')?.json as Record<string, unknown>;
    assert.deepEqual(generate.input_ids, PROMPT, 'the probe generates from the renderer ids');
    const chat = http.sent.find((r) => r.path === '/v1/chat/completions')?.json as Record<string, unknown>;
    assert.equal(chat.return_token_ids, true);
    assert.equal(chat.model, 'Qwen/Qwen3-8B');
  });

  it('reports token mode unavailable without a renderer, and says why', async () => {
    const http = fakeEngineHttp(sglangRoutes());
    const caps = (await sglangDriver.detect(http)) as SglangCapabilities;
    assert.equal(caps.tokenMode, false);
    assert.match(caps.needs.token ?? '', /local chat-template renderer/);
    assert.equal(caps.chatTokenIds, true);
    assert.equal(http.sent.some((r) => r.path === '/generate'), false);
  });

  it('reports chat capture unavailable when chat answers carry no ids (an older build)', async () => {
    const answer = cloneJson(fixtureJson('sglang', 'chat-nonstream.json')) as { choices: Record<string, unknown>[] };
    delete answer.choices[0]?.prompt_token_ids;
    delete answer.choices[0]?.response_token_ids;
    const caps = (await sglangDriver.detect(fakeEngineHttp(sglangRoutes({ 'POST /v1/chat/completions': { body: answer } })))) as SglangCapabilities;
    assert.equal(caps.chatTokenIds, false);
    assert.match(caps.needs.chat ?? '', /token ids in chat answers/);
  });

  it('refuses a server running --allow-auto-truncate with a capability error', async () => {
    const info = { ...(fixtureJson('sglang', 'server-info.json') as object), allow_auto_truncate: true };
    await assert.rejects(sglangDriver.detect(fakeEngineHttp(sglangRoutes({ 'GET /get_server_info': { body: info } }))), (error: unknown) => {
      assert.ok(error instanceof RollcallError);
      assert.equal(error.code, 'RC_ERR_ENGINE_CAPABILITY');
      assert.match(error.message, /^The engine at http:\/\/engine\.test:8000 \(0\.5\.23\) cannot serve this configuration: SGLang runs with --allow-auto-truncate/);
      return true;
    });
  });

  it('refuses a model that cannot generate', async () => {
    const info = { ...(fixtureJson('sglang', 'model-info.json') as object), is_generation: false };
    await assert.rejects(sglangDriver.detect(fakeEngineHttp(sglangRoutes({ 'GET /get_model_info': { body: info } }))), /not a generation model/);
  });
});

describe('SGLang driver', () => {
  it('is the registered sglang driver, with chat pass-through and a token driver on /generate', () => {
    assert.equal(driverFor('sglang'), sglangDriver);
    assert.equal(sglangDriver.chat?.capturesTokens, true);
    assert.equal(sglangDriver.token?.generatePath, '/generate');
  });

  it('fails rendering without a renderer with an error that says what to configure', async () => {
    const render = sglangDriver.token?.render(fakeEngineHttp({}), { messages: [{ role: 'user', content: 'Hi' }], tools: undefined, addGenerationPrompt: true, chatTemplateKwargs: undefined }, new AbortController().signal);
    await assert.rejects(Promise.resolve(render), (error: unknown) => {
      assert.ok(error instanceof RollcallError);
      assert.equal(error.code, 'RC_ERR_ENGINE_CAPABILITY');
      assert.match(error.message, /SGLang token mode needs a local chat-template renderer .*\/tokenize has no chat-template form/);
      return true;
    });
  });

  it('renders through the injected renderer, with no engine request', async () => {
    const http = fakeEngineHttp({});
    const driver = createSglangDriver({ renderer });
    const request: RenderRequest = { messages: [{ role: 'user', content: 'Hi' }], tools: undefined, addGenerationPrompt: false, chatTemplateKwargs: { enable_thinking: false } };
    assert.deepEqual(await driver.token?.render(http, request, new AbortController().signal), PROMPT);
    assert.deepEqual(await driver.token?.tokenizeText(http, 'Hi', new AbortController().signal), [13048]);
    assert.equal(http.sent.length, 0);
  });
});
