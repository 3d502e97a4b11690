import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { openStore } from '../../../src/store/store.ts';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { spawnServe, stopServe } from '../../support/serve-process.ts';

const ADMIN = 'durability-admin-token-0123456789';
let engine: FakeEngine;

before(async () => {
  engine = await startFakeEngine();
});
after(async () => {
  await engine.close();
});

async function admin(baseUrl: string, method: string, path: string, body?: unknown) {
  const response = await fetch(baseUrl.replace(/\/v1$/, '') + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await response.json()) as any;
}

test('every call acknowledged to a client survives SIGKILL; the rollout continues after restart', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'rollcall-durable-')), 'calls.db');
  const env = { ROLLCALL_ADMIN_TOKEN: ADMIN };
  const first = await spawnServe(['--upstream', engine.url, '--db', db], env);
  const rollouts = await Promise.all([0, 1, 2].map(() => admin(first.baseUrl, 'POST', '/admin/rollouts', { taskId: 'durable' })));
  const acknowledged = new Map<string, number>();
  await Promise.all(
    rollouts.map(async (rollout: { rolloutId: string; apiKey: string }) => {
      const openai = new OpenAI({ baseURL: first.baseUrl, apiKey: rollout.apiKey, maxRetries: 0 });
      for (let i = 0; i < 5; i++) {
        const stream = i % 2 === 1;
        if (stream) {
          const s = await openai.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: `turn ${i}` }], stream: true });
          for await (const _chunk of s);
        } else {
          await openai.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: `turn ${i}` }] });
        }
        acknowledged.set(rollout.rolloutId, (acknowledged.get(rollout.rolloutId) ?? 0) + 1);
      }
    }),
  );
  assert.equal(await stopServe(first, 'SIGKILL'), null);

  const store = openStore(db);
  for (const [rolloutId, count] of acknowledged) {
    const calls = store.calls.listForRollout(rolloutId);
    assert.equal(calls.length, count, `${rolloutId} lost calls`);
    assert.ok(calls.every((c) => c.status === 'completed' && c.trainable));
    assert.ok(calls.every((c) => (c.choices[0]?.completionIds.length ?? 0) > 0));
  }
  store.close();

  const second = await spawnServe(['--upstream', engine.url, '--db', db], env);
  try {
    const rollout = rollouts[0] as { rolloutId: string; apiKey: string };
    const openai = new OpenAI({ baseURL: second.baseUrl, apiKey: rollout.apiKey, maxRetries: 0 });
    await openai.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'after restart' }] });
    const view = await admin(second.baseUrl, 'GET', `/admin/rollouts/${rollout.rolloutId}`);
    assert.deepEqual(view.calls.map((c: { seq: number }) => c.seq), [1, 2, 3, 4, 5, 6]);
  } finally {
    assert.equal(await stopServe(second, 'SIGTERM'), 0);
  }
});
