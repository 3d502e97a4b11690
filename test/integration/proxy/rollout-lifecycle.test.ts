import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withEngineAndProxy } from '../../support/proxy-harness.ts';
import { expandSent } from '../../../src/store/sent-record.ts';

/** The registry's clock: real time plus whatever a test moves it forward by. */
let skewMs = 0;
const env = withEngineAndProxy({ deps: { now: () => Date.now() + skewMs } });

async function chat(apiKey: string, extra: Record<string, unknown> = {}) {
  const response = await fetch(`${env.proxy.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'Count to ten.' }], ...extra }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

test('create answers 201 with a rollout id, a 256-bit key and the base URL', async () => {
  const response = await env.proxy.admin('POST', '/admin/rollouts', { taskId: 'a', groupId: 'g', attempt: 2, tag: 'solver', metadata: { split: 'train' } });
  assert.equal(response.status, 201);
  assert.match(response.body.rolloutId, /^ro_/);
  assert.match(response.body.apiKey, /^rk-[A-Za-z0-9_-]{43}$/);
  assert.equal(response.body.baseUrl, `${env.proxy.url}/v1`);
  const row = env.proxy.store.db.prepare('SELECT key_hash FROM rollouts WHERE id = ?').get(response.body.rolloutId) as { key_hash: Buffer };
  assert.equal(row.key_hash.length, 32);
  assert.ok(!row.key_hash.toString('latin1').includes(response.body.apiKey), 'the key itself is never stored');
  const { body } = await env.proxy.admin('GET', `/admin/rollouts/${response.body.rolloutId}`);
  assert.equal(body.tag, 'solver');
  assert.equal(body.attempt, 2);
  assert.deepEqual(body.metadata, { split: 'train' });
});

test('finish records reward and metadata and revokes the key; finishing twice is a 409', async () => {
  const { rolloutId, apiKey } = await env.proxy.createRollout({ metadata: { a: 1 } });
  assert.equal((await chat(apiKey)).status, 200);
  const finished = await env.proxy.admin('POST', `/admin/rollouts/${rolloutId}/finish`, { reward: 0.5, isSuccess: false, metadata: { b: 2 } });
  assert.equal(finished.body.status, 'finished');
  assert.equal(finished.body.reward, 0.5);
  assert.deepEqual(finished.body.metadata, { a: 1, b: 2 });
  assert.equal((await chat(apiKey)).body.error.code, 'RC_ERR_AUTH_KEY_REVOKED');
  const again = await env.proxy.admin('POST', `/admin/rollouts/${rolloutId}/cancel`);
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'RC_ERR_ROLLOUT_NOT_OPEN');
  assert.equal((await env.proxy.admin('POST', '/admin/rollouts/ro_missing/finish', {})).status, 404);
});

test('cancel revokes the key', async () => {
  const { rolloutId, apiKey } = await env.proxy.createRollout();
  assert.equal((await env.proxy.admin('POST', `/admin/rollouts/${rolloutId}/cancel`)).body.status, 'cancelled');
  assert.equal((await chat(apiKey)).status, 401);
});

test('the call limit answers 403 before the engine is called', async () => {
  const { apiKey, rolloutId } = await env.proxy.createRollout({ limits: { maxCalls: 2 } });
  const sentToEngine = () => env.engine.requests.filter((r) => r.method === 'POST').length;
  const before = env.engine.requests.filter((r) => r.path === '/v1/chat/completions').length;
  assert.equal((await chat(apiKey)).status, 200);
  assert.equal((await chat(apiKey)).status, 200);
  const afterTwo = sentToEngine();
  const third = await chat(apiKey);
  assert.equal(third.status, 403);
  assert.equal(third.body.error.code, 'RC_ERR_ROLLOUT_CALL_LIMIT');
  assert.equal(sentToEngine(), afterTwo, 'the refused call sent nothing to the engine');
  assert.equal(env.engine.requests.filter((r) => r.path === '/v1/chat/completions').length, before + 2);
  assert.equal(env.proxy.store.calls.listForRollout(rolloutId).length, 2);
});

test('the per-turn cap ends the answer with finish_reason length; the client asked for more', async () => {
  const { apiKey, rolloutId } = await env.proxy.createRollout({ limits: { maxTokensPerTurn: 3 } });
  const { body } = await chat(apiKey, { max_tokens: 500 });
  assert.equal(body.choices[0].finish_reason, 'length');
  assert.equal(body.usage.completion_tokens, 3);
  const [call] = env.proxy.store.calls.listForRollout(rolloutId);
  assert.equal(JSON.parse(call!.requestJson).max_tokens, 500, 'the client request is kept as sent');
  assert.equal((expandSent(call!.sentJson, call!.requestJson, call!.promptIds) as { max_completion_tokens: number }).max_completion_tokens, 3);
  assert.equal(call!.trainable, true);
});

test('the total-token budget answers 403 once spent', async () => {
  const { apiKey } = await env.proxy.createRollout({ limits: { maxTotalTokens: 30 } });
  let status = 200;
  let code = '';
  for (let i = 0; i < 10 && status === 200; i++) ({ status, body: { error: { code } = { code: '' } } } = await chat(apiKey));
  assert.equal(status, 403);
  assert.equal(code, 'RC_ERR_ROLLOUT_TOKEN_LIMIT');
});

test('the rollout sampling policy wins and the client request is recorded beside it', async () => {
  const { apiKey, rolloutId } = await env.proxy.createRollout({ sampling: { temperature: 0.6, topP: 0.9, seed: 11 } });
  await chat(apiKey, { temperature: 1.5, top_p: 0.1 });
  const sent = env.engine.requests.at(-1)?.body as Record<string, unknown>;
  assert.equal(sent.temperature, 0.6);
  assert.equal(sent.top_p, 0.9);
  assert.equal(sent.seed, 11);
  assert.equal(sent.return_token_ids, true);
  assert.equal(sent.logprobs, true);
  const [call] = env.proxy.store.calls.listForRollout(rolloutId);
  assert.equal(JSON.parse(call!.requestJson).temperature, 1.5);
});

test('a rollout expires after its time to live and its key is revoked', async () => {
  const { apiKey, rolloutId } = await env.proxy.createRollout({ limits: { ttlMs: 50 } });
  skewMs += 60_000;
  const response = await chat(apiKey);
  assert.equal(response.status, 401);
  assert.equal(response.body.error.code, 'RC_ERR_ROLLOUT_EXPIRED');
  assert.equal((await env.proxy.admin('GET', `/admin/rollouts/${rolloutId}`)).body.status, 'expired');
  assert.equal((await chat(apiKey)).body.error.code, 'RC_ERR_ROLLOUT_EXPIRED', 'the next call hears the same');
});

test("an expired rollout's key gets RC_ERR_ROLLOUT_EXPIRED also when the sweeper expired it first", async () => {
  const { apiKey, rolloutId } = await env.proxy.createRollout({ limits: { ttlMs: 50 } });
  skewMs += 60_000;
  assert.ok(env.proxy.registry.expireDue() >= 1, 'the sweep expired the rollout');
  assert.equal((await env.proxy.admin('GET', `/admin/rollouts/${rolloutId}`)).body.status, 'expired');
  const response = await chat(apiKey);
  assert.equal(response.status, 401);
  assert.equal(response.body.error.code, 'RC_ERR_ROLLOUT_EXPIRED');
});

test('list filters by status, task and group, and pages with a cursor', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await env.proxy.createRollout({ taskId: 'list-task', groupId: `grp-${i % 2}` })).rolloutId);
  await env.proxy.admin('POST', `/admin/rollouts/${ids[0]}/finish`, { reward: 1 });
  const page1 = await env.proxy.admin('GET', '/admin/rollouts?taskId=list-task&limit=3');
  assert.equal(page1.body.rollouts.length, 3);
  const page2 = await env.proxy.admin('GET', `/admin/rollouts?taskId=list-task&limit=3&cursor=${page1.body.nextCursor}`);
  assert.equal(page2.body.nextCursor, null);
  assert.deepEqual([...page1.body.rollouts, ...page2.body.rollouts].map((r: { rolloutId: string }) => r.rolloutId), ids);
  const group = await env.proxy.admin('GET', '/admin/rollouts?taskId=list-task&groupId=grp-1');
  assert.deepEqual(group.body.rollouts.map((r: { rolloutId: string }) => r.rolloutId), [ids[1], ids[3]]);
  const finished = await env.proxy.admin('GET', '/admin/rollouts?taskId=list-task&status=finished');
  assert.deepEqual(finished.body.rollouts.map((r: { rolloutId: string }) => r.rolloutId), [ids[0]]);
  const since = await env.proxy.admin('GET', `/admin/rollouts?taskId=list-task&since=${Date.now() + skewMs + 60_000}`);
  assert.equal(since.body.rollouts.length, 0);
});

test('health and Prometheus metrics', async () => {
  assert.deepEqual(await (await fetch(`${env.proxy.url}/health`)).json(), { status: 'ok' });
  const text = await (await fetch(`${env.proxy.url}/metrics`)).text();
  for (const name of ['rollcall_calls_total', 'rollcall_tokens_total', 'rollcall_call_duration_seconds_bucket', 'rollcall_open_rollouts', 'rollcall_upstream_errors_total']) {
    assert.ok(text.includes(name), name);
  }
  assert.match(text, /rollcall_calls_total\{status="completed",stream="false"\} \d+/);
});

test('calls of a rollout created untrainable (validation) are recorded so without a warning per call', async () => {
  const { apiKey, rolloutId } = await env.proxy.createRollout({ trainable: false, metadata: { split: 'validation' } });
  const before = env.proxy.logs.length;
  assert.equal((await chat(apiKey)).status, 200);
  const { body } = await env.proxy.admin('GET', `/admin/rollouts/${rolloutId}`);
  assert.equal(body.calls[0].untrainableReason, 'the rollout is not trainable');
  assert.deepEqual(env.proxy.logs.slice(before).filter((line) => line.includes('call recorded as not trainable')), []);
});
