import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_TOKEN, withEngineAndProxy } from '../../support/proxy-harness.ts';

const env = withEngineAndProxy({ proxy: { maxBodyBytes: 4096 } });

const chat = JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] });

type Case = {
  name: string;
  path?: string;
  method?: string;
  key?: 'open' | 'finished' | 'admin' | 'none' | 'garbage';
  body?: string;
  status: number;
  code: string;
  param?: string;
};

const CASES: Case[] = [
  { name: 'malformed JSON', body: '{"messages": [', status: 400, code: 'RC_ERR_REQUEST_INVALID_JSON' },
  { name: 'empty body', body: '', status: 400, code: 'RC_ERR_REQUEST_INVALID_JSON' },
  { name: 'messages of the wrong type', body: '{"messages": "hi"}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'messages' },
  { name: 'a message with an unknown role', body: '{"messages": [{"role": "robot", "content": "x"}]}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'messages.0.role' },
  { name: 'temperature as a string', body: '{"messages": [{"role": "user", "content": "x"}], "temperature": "hot"}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'temperature' },
  { name: 'n of zero', body: '{"messages": [{"role": "user", "content": "x"}], "n": 0}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'n' },
  { name: 'a body over the limit', body: JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(5000) }] }), status: 413, code: 'RC_ERR_REQUEST_BODY_TOO_LARGE' },
  { name: 'no key', key: 'none', body: chat, status: 401, code: 'RC_ERR_AUTH_MISSING_KEY' },
  { name: 'an unknown key', key: 'garbage', body: chat, status: 401, code: 'RC_ERR_AUTH_INVALID_KEY' },
  { name: "a finished rollout's key", key: 'finished', body: chat, status: 401, code: 'RC_ERR_AUTH_KEY_REVOKED' },
  { name: 'the admin token on an OpenAI route', key: 'admin', body: chat, status: 401, code: 'RC_ERR_AUTH_INVALID_KEY' },
  { name: 'a rollout key on an admin route', path: '/admin/rollouts', method: 'GET', key: 'open', status: 403, code: 'RC_ERR_AUTH_ADMIN_REQUIRED' },
  { name: 'no token on an admin route', path: '/admin/rollouts', method: 'GET', key: 'none', status: 401, code: 'RC_ERR_AUTH_ADMIN_INVALID' },
  { name: 'an unknown key in a rollout creation', path: '/admin/rollouts', key: 'admin', body: '{"taskId": "t", "temprature": 0.7}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION' },
  { name: 'a limit of the wrong type', path: '/admin/rollouts', key: 'admin', body: '{"limits": {"maxCalls": "ten"}}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'limits.maxCalls' },
  { name: 'an unknown admin route', path: '/admin/nothing', method: 'GET', key: 'admin', status: 404, code: 'RC_ERR_REQUEST_NOT_FOUND' },
  { name: 'a reward that is not a number', path: '/admin/rollouts/ROLLOUT/finish', key: 'admin', body: '{"reward": "1"}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'reward' },
  { name: 'a bad list cursor', path: '/admin/rollouts?cursor=zzz', method: 'GET', key: 'admin', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'cursor' },
];

for (const c of CASES) {
  test(`bad input: ${c.name} → ${c.status} ${c.code}, nothing trainable recorded`, async () => {
    const open = await env.proxy.createRollout();
    const finished = await env.proxy.createRollout();
    await env.proxy.admin('POST', `/admin/rollouts/${finished.rolloutId}/finish`, {});
    const key = { open: open.apiKey, finished: finished.apiKey, admin: ADMIN_TOKEN, none: undefined, garbage: 'rk-not-a-key' }[c.key ?? 'open'];
    const path = (c.path ?? '/v1/chat/completions').replace('ROLLOUT', open.rolloutId);
    const response = await fetch(`${env.proxy.url}${path}`, {
      method: c.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
      ...(c.body === undefined ? {} : { body: c.body }),
    });
    const json = (await response.json()) as { error: { code: string; message: string; param: string | null; type: string } };
    assert.equal(response.status, c.status, JSON.stringify(json));
    assert.equal(json.error.code, c.code);
    assert.ok(json.error.message.length > 10);
    assert.equal(response.headers.get('x-should-retry'), 'false');
    if (c.param !== undefined) assert.equal(json.error.param, c.param);
    for (const id of [open.rolloutId, finished.rolloutId]) {
      assert.equal(env.proxy.store.calls.listForRollout(id).filter((call) => call.trainable).length, 0);
    }
  });
}

test('the proxy keeps serving after every bad input', async () => {
  const { apiKey } = await env.proxy.createRollout();
  const response = await fetch(`${env.proxy.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}` }, body: chat });
  assert.equal(response.status, 200);
});
