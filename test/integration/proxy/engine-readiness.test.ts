import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';
import { startFakeEngine } from '../../fake-engine/server.ts';
import { freePort } from '../../support/free-port.ts';
import { startProxy } from '../../support/proxy-harness.ts';

/**
 * `docker compose up` starts the proxy and the engine together, and the proxy usually wins. It
 * must neither guess the engine's settings nor let the engine pick a completion length (vLLM's
 * /v1/completions stops at 16 tokens without max_tokens): calls wait with a retryable error until
 * the engine's first passed health check has told the proxy what it serves.
 */

const LONG_REPLY = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

for (const mode of ['token', 'chat'] as const) {
  test(`${mode} mode: a proxy started before its engine answers 503 until the engine is detected, then in full with an explicit max_tokens`, async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const proxy = await startProxy([origin], { engine: { mode, healthCheckIntervalMs: 100 } as never });
    let engine: Awaited<ReturnType<typeof startFakeEngine>> | undefined;
    try {
      const rollout = await proxy.createRollout({ sampling: { seed: 3, temperature: 0.7 } });
      const openai = new OpenAI({ baseURL: rollout.baseUrl, apiKey: rollout.apiKey, maxRetries: 0 });
      const ask = () => openai.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'Count for me. [[script:long]]' }] });

      await assert.rejects(ask(), (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError, String(error));
        assert.equal(error.status, 503);
        assert.equal(error.code, 'RC_ERR_ENGINE_NOT_READY');
        assert.equal(error.headers?.get('x-should-retry'), 'true');
        assert.match(error.headers?.get('retry-after') ?? '', /^\d+$/);
        assert.match(error.message, /not ready yet/);
        return true;
      });
      assert.equal(proxy.store.calls.listForRollout(rollout.rolloutId).length, 0, 'nothing was sent, so nothing is recorded');
      const waiting = await fetch(`${proxy.url}/ready`);
      assert.equal(waiting.status, 503);
      const waitingBody = (await waiting.json()) as any;
      assert.equal(waitingBody.ready, false);
      assert.equal(waitingBody.engines.policy.mode, null);
      assert.match(waitingBody.engines.policy.missing, /capabilities/);
      assert.deepEqual(waitingBody.engines.policy.replicas.map((r: { origin: string }) => r.origin), [origin]);
      assert.equal((await fetch(`${proxy.url}/health`)).status, 200, '/health stays liveness');

      engine = await startFakeEngine({ port, maxModelLen: 4096 });
      engine.script('long', [LONG_REPLY]);
      await waitFor(async () => (await fetch(`${proxy.url}/ready`)).status === 200, 'readiness');
      const ready = (await (await fetch(`${proxy.url}/ready`)).json()) as any;
      assert.deepEqual(ready.engines.policy, { ready: true, mode, maxModelLen: 4096, version: '0.33.0', replicas: [{ origin, healthy: true }], missing: null });

      const answer = await ask();
      assert.equal(answer.choices[0]?.message.content, LONG_REPLY);
      assert.equal(answer.choices[0]?.finish_reason, 'stop');
      assert.ok((answer.usage?.completion_tokens ?? 0) > 16, `${answer.usage?.completion_tokens} completion tokens`);
      const path = mode === 'token' ? '/v1/completions' : '/v1/chat/completions';
      const sent = engine.requests.filter((r) => r.path === path).at(-1)?.body;
      const budget = mode === 'token' ? sent?.max_tokens : sent?.max_completion_tokens;
      assert.equal(budget, 4096 - (answer.usage?.prompt_tokens ?? 0), 'the budget is the context left after the prompt');
      const [call] = proxy.store.calls.listForRollout(rollout.rolloutId);
      assert.equal(call?.trainable, true, call?.untrainableReason ?? '');
      assert.equal(call?.mode, mode);
    } finally {
      await proxy.close();
      await engine?.close();
    }
  });
}
