import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openStore } from '../../../src/store/store.ts';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { spawnServe, stopServe, type ServeProcess } from '../../support/serve-process.ts';
import { sseData, sseErrors } from '../../support/sse-text.ts';

/**
 * Graceful shutdown of the real `rollcall serve` (what `docker stop` does: SIGTERM to the
 * process): streams in flight finish within the grace period; those that cannot are ended with
 * one SSE error event carrying RC_ERR_SERVER_SHUTTING_DOWN and recorded aborted with the reason
 * "shutdown"; nothing new is accepted once the drain started; the process exits 0.
 */
const ADMIN = 'shutdown-admin-token-0123456789';
const STREAMS = 16;
let engine: FakeEngine;

before(async () => {
  engine = await startFakeEngine();
});
after(async () => {
  await engine.close();
});

async function admin(serve: ServeProcess, path: string, body: unknown): Promise<any> {
  const response = await fetch(serve.baseUrl.replace(/\/v1$/, '') + path, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return response.json();
}

/** Starts a streamed call and resolves once its first event arrived, with the rest of the body to come. */
async function openStream(serve: ServeProcess, apiKey: string, extra: Record<string, unknown> = {}): Promise<{ first: string; rest: Promise<string> }> {
  const response = await fetch(`${serve.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'Tell me a story.' }], stream: true, ...extra }),
  });
  assert.equal(response.status, 200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let first = '';
  while (!first.includes('\n\n')) {
    const { value, done } = await reader.read();
    assert.equal(done, false, 'the stream ended before its first event');
    first += decoder.decode(value, { stream: true });
  }
  const rest = (async () => {
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
    }
  })();
  return { first, rest };
}

/** Resolves once the serve process printed a line matching `pattern` on stderr. */
function printed(serve: ServeProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const line = seen.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) {
        serve.child.stderr.off('data', onData);
        resolve(line);
      }
    };
    serve.child.stderr.on('data', onData);
  });
}

async function startWithStreams(graceMs: number, extra: Record<string, unknown>) {
  const db = join(mkdtempSync(join(tmpdir(), 'rollcall-drain-')), 'calls.db');
  const serve = await spawnServe(['--upstream', engine.url, '--mode', 'chat', '--db', db, '--shutdown-grace-ms', String(graceMs)], { ROLLCALL_ADMIN_TOKEN: ADMIN });
  const rollouts: { rolloutId: string; apiKey: string }[] = await Promise.all(Array.from({ length: STREAMS }, () => admin(serve, '/admin/rollouts', {})));
  const streams = await Promise.all(rollouts.map((r) => openStream(serve, r.apiKey, extra)));
  return { db, serve, rollouts, streams };
}

test(`SIGTERM with ${STREAMS} streams in flight: they finish within the grace period, nothing new is accepted, exit 0`, async () => {
  const release = engine.holdStreams();
  try {
    const { db, serve, rollouts, streams } = await startWithStreams(600_000, { max_tokens: 30 });
    const draining = printed(serve, /SIGTERM: draining \d+ requests/);
    const exited = stopServe(serve, 'SIGTERM');
    assert.match(await draining, new RegExp(`draining ${STREAMS} requests in flight for up to 600000 ms`));
    await assert.rejects(fetch(`${serve.baseUrl}/models`), 'the listening socket is closed');
    release();
    const bodies = await Promise.all(streams.map((s) => s.rest));
    assert.equal(await exited, 0);
    for (const body of bodies) {
      assert.deepEqual(sseErrors(body), []);
      assert.equal(sseData(body).at(-1), '[DONE]');
    }
    const store = openStore(db);
    try {
      for (const { rolloutId } of rollouts) {
        const [call] = store.calls.listForRollout(rolloutId);
        assert.equal(call?.status, 'completed');
        assert.equal(call?.trainable, true, call?.untrainableReason ?? '');
      }
    } finally {
      store.close();
    }
  } finally {
    release();
  }
});

for (const how of ['the grace period ends', 'a second SIGTERM arrives'] as const) {
  test(`SIGTERM with ${STREAMS} streams that cannot finish: when ${how}, each gets one SSE error event and is recorded aborted with reason "shutdown"`, async () => {
    // Held streams outlast any grace period: only the shutdown ends them.
    const release = engine.holdStreams();
    try {
      const graceMs = how === 'the grace period ends' ? 300 : 600_000;
      const { db, serve, rollouts, streams } = await startWithStreams(graceMs, {});
      // And one whole answer the engine sits on: it is in flight once the engine has it.
      const wholeAsk = `Answer whole, then ${how}.`;
      engine.setFaults({ latencyMs: 600_000, times: 1 });
      const whole = fetch(`${serve.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rollouts[0]!.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: wholeAsk }], stream: false }),
      });
      while (!engine.requests.some((r) => JSON.stringify(r.body).includes(wholeAsk))) await new Promise((resolve) => setTimeout(resolve, 5));
      const draining = printed(serve, /SIGTERM: draining/);
      const exited = stopServe(serve, 'SIGTERM');
      await draining;
      if (how === 'a second SIGTERM arrives') serve.child.kill('SIGTERM');
      const bodies = await Promise.all(streams.map((s) => s.rest));
      for (const body of bodies) {
        const errors = sseErrors(body);
        assert.equal(errors.length, 1, body);
        assert.equal(errors[0]?.error.code, 'RC_ERR_SERVER_SHUTTING_DOWN');
        assert.equal(errors[0]?.error.type, 'service_unavailable_error');
      }
      const answer = await whole;
      assert.equal(answer.status, 503);
      assert.equal(((await answer.json()) as any).error.code, 'RC_ERR_SERVER_SHUTTING_DOWN');
      assert.equal(await exited, 0);
      const store = openStore(db);
      try {
        const calls = rollouts.flatMap(({ rolloutId }) => store.calls.listForRollout(rolloutId));
        assert.equal(calls.length, STREAMS + 1);
        for (const call of calls) {
          assert.equal(call.status, 'aborted');
          assert.equal(call.trainable, false);
          assert.equal(call.untrainableReason, 'shutdown');
          assert.equal(call.error?.code, 'RC_ERR_SERVER_SHUTTING_DOWN');
        }
      } finally {
        store.close();
      }
    } finally {
      release();
      engine.clearFaults();
    }
  });
}
