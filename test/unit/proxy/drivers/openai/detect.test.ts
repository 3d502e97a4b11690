import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openAiDriver } from '../../../../../proxy/drivers/openai/openai-driver.ts';
import { RollcallError } from '../../../../../src/errors/rollcall-error.ts';
import { fakeEngineHttp } from '../../../../support/fake-engine-http.ts';
import { fixtureJson } from '../../../../support/fixtures.ts';

const TEXT_ONLY = { version: null, maxModelLen: null, chatTokenIds: false, tokenMode: false };

describe('OpenAI-compatible capability detection', () => {
  it('lists the models and generates nothing', async () => {
    const http = fakeEngineHttp({ 'GET /v1/models': { body: fixtureJson('openai', 'models.json') } });
    assert.deepEqual(await openAiDriver.detect(http), { ...TEXT_ONLY, models: ['gpt-4.1-mini', 'gpt-4.1-mini-2025-04-14'] });
    assert.deepEqual(http.sent.map((r) => `${r.method} ${r.path}`), ['GET /v1/models']);
  });

  it('tolerates a listing that needs a key (401) or does not exist (404)', async () => {
    const unauthorized = fakeEngineHttp({ 'GET /v1/models': { status: 401, body: fixtureJson('openai', 'error-401.json') } });
    assert.deepEqual(await openAiDriver.detect(unauthorized), { ...TEXT_ONLY, models: [] });
    assert.deepEqual(await openAiDriver.detect(fakeEngineHttp({})), { ...TEXT_ONLY, models: [] });
  });

  it('fails on a server error, so another replica is tried', async () => {
    const http = fakeEngineHttp({ 'GET /v1/models': { status: 502, body: 'Bad Gateway' } });
    await assert.rejects(openAiDriver.detect(http), (error: unknown) => error instanceof RollcallError && error.code === 'RC_ERR_UPSTREAM_SERVER_ERROR');
  });
});
