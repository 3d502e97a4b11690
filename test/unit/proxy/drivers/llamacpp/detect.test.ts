import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LlamacppCapabilities } from '../../../../../proxy/drivers/llamacpp/detect.ts';
import { llamacppDriver } from '../../../../../proxy/drivers/llamacpp/llamacpp-driver.ts';
import { PREFILL_NEED } from '../../../../../proxy/drivers/llamacpp/prompt-ids.ts';
import { driverFor } from '../../../../../proxy/engine/engine-drivers.ts';
import { RollcallError } from '../../../../../src/errors/rollcall-error.ts';
import { fakeEngineHttp, type FakeAnswer, type SentRequest } from '../../../../support/fake-engine-http.ts';
import { cloneJson, fixtureJson } from '../../../../support/fixtures.ts';

/** A llama-server with the given answer to a closed assistant turn (add_generation_prompt false). */
function llamaRoutes(closedTurnFixture: string, overrides: Record<string, FakeAnswer> = {}): Record<string, FakeAnswer> {
  return {
    'GET /health': { body: fixtureJson('llamacpp', 'health-ok.json') },
    'GET /props': { body: fixtureJson('llamacpp', 'props.json') },
    'GET /v1/models': { body: fixtureJson('llamacpp', 'models.json') },
    'POST /v1/chat/completions': { body: fixtureJson('llamacpp', 'chat-nonstream.json') },
    'POST /apply-template': (sent: SentRequest) => ({
      body: fixtureJson('llamacpp', (sent.json as { add_generation_prompt?: boolean }).add_generation_prompt === false ? closedTurnFixture : 'apply-template.json'),
    }),
    'POST /tokenize': { body: fixtureJson('llamacpp', 'tokenize.json') },
    'POST /completion': { body: fixtureJson('llamacpp', 'completion-nonstream.json') },
    ...overrides,
  };
}

describe('llama.cpp capability detection', () => {
  it('reads build, models and slot context, and probes chat capture and token mode', async () => {
    const http = fakeEngineHttp(llamaRoutes('apply-template-closed.json'));
    const caps = (await llamacppDriver.detect(http)) as LlamacppCapabilities;
    assert.deepEqual(
      { version: caps.version, models: caps.models, maxModelLen: caps.maxModelLen, vocabSize: caps.vocabSize, chatTokenIds: caps.chatTokenIds, tokenMode: caps.tokenMode, needs: caps.needs },
      { version: 'b6795-5cca2542', models: ['Qwen3-8B-Q8_0.gguf'], maxModelLen: 40960, vocabSize: 151936, chatTokenIds: true, tokenMode: true, needs: { chat: null, token: null } },
    );
    const completion = http.sent.find((r) => r.path === '/completion')?.json as Record<string, unknown>;
    assert.deepEqual(completion.prompt, (fixtureJson('llamacpp', 'tokenize.json') as { tokens: number[] }).tokens);
    assert.equal(completion.return_tokens, true);
  });

  it('reports token mode unavailable on a server that prefills trailing assistant messages', async () => {
    const caps = (await llamacppDriver.detect(fakeEngineHttp(llamaRoutes('apply-template-prefill.json')))) as LlamacppCapabilities;
    assert.equal(caps.tokenMode, false);
    assert.equal(caps.needs.token, PREFILL_NEED);
    assert.equal(caps.chatTokenIds, true);
  });

  it('reports chat capture unavailable when the rebuilt prompt does not match the count the engine reports', async () => {
    const answer = cloneJson(fixtureJson('llamacpp', 'chat-nonstream.json')) as { usage: { prompt_tokens: number } };
    answer.usage.prompt_tokens = 11;
    const caps = (await llamacppDriver.detect(fakeEngineHttp(llamaRoutes('apply-template-closed.json', { 'POST /v1/chat/completions': { body: answer } })))) as LlamacppCapabilities;
    assert.equal(caps.chatTokenIds, false);
    assert.equal(caps.needs.chat, '/apply-template + /tokenize give 10 prompt ids but the chat answer counted 11');
  });

  it('names a refused probe instead of failing detection', async () => {
    const refusal = { status: 400, body: { error: { code: 400, message: 'Only one completion choice is allowed', type: 'invalid_request_error' } } };
    const caps = (await llamacppDriver.detect(fakeEngineHttp(llamaRoutes('apply-template-closed.json', { 'POST /completion': refusal })))) as LlamacppCapabilities;
    assert.equal(caps.tokenMode, false);
    assert.match(caps.needs.token ?? '', /^the token-mode probe was refused: The engine rejected the request: Only one completion choice is allowed/);
  });

  it('fails while the model is loading (503), so another replica is tried', async () => {
    const http = fakeEngineHttp({ 'GET /health': { status: 503, body: fixtureJson('llamacpp', 'health-loading.json') } });
    await assert.rejects(llamacppDriver.detect(http), (error: unknown) => {
      assert.ok(error instanceof RollcallError);
      assert.equal(error.code, 'RC_ERR_UPSTREAM_SERVER_ERROR');
      assert.match(error.message, /status 503: Loading model/);
      return true;
    });
  });

  it('is the registered llamacpp driver, rebuilding prompt ids after chat answers', () => {
    assert.equal(driverFor('llamacpp'), llamacppDriver);
    assert.equal(typeof llamacppDriver.chat?.completePromptIds, 'function');
    assert.equal(llamacppDriver.token?.generatePath, '/completion');
  });
});
