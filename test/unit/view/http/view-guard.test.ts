import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { viewGuard } from '../../../../view/http/view-guard.ts';

const TOKEN = 'view-token-0123456789';

async function app() {
  const server = Fastify();
  await server.register(async (view) => {
    view.addHook('onRequest', viewGuard(TOKEN, '/view', 'RC_ERR_AUTH_VIEW_INVALID'));
    view.setErrorHandler((error, _request, reply) => void reply.code((error as { status?: number }).status ?? 500).send({ code: (error as { code?: string }).code }));
    view.get('/', async () => 'page');
    view.get('/api/runs', async () => []);
  }, { prefix: '/view' });
  return server;
}

test('without the token every route of the view answers 401 with the registry code', async () => {
  const server = await app();
  for (const url of ['/view/', '/view/api/runs', '/view/api/runs?token=wrong']) {
    const response = await server.inject({ url });
    assert.equal(response.statusCode, 401, url);
    assert.equal(response.json().code, 'RC_ERR_AUTH_VIEW_INVALID');
  }
});

test("the printed address's token becomes a cookie and leaves the address; the cookie is not the token", async () => {
  const server = await app();
  const response = await server.inject({ url: `/view/?token=${TOKEN}` });
  assert.equal(response.statusCode, 303);
  assert.equal(response.headers.location, '/view/');
  const setCookie = String(response.headers['set-cookie']);
  assert.match(setCookie, /^rollcall_view=[\w-]+; Path=\/view; HttpOnly; SameSite=Strict$/);
  assert.ok(!setCookie.includes(TOKEN), 'a hash of the token, not the token');
  const cookie = setCookie.split(';')[0] as string;
  assert.equal((await server.inject({ url: '/view/api/runs', headers: { cookie } })).statusCode, 200);
  assert.equal((await server.inject({ url: '/view/api/runs', headers: { cookie: 'rollcall_view=forged' } })).statusCode, 401);
  assert.equal((await server.inject({ url: '/view/api/runs', headers: { cookie: `rollcall_view=${TOKEN}` } })).statusCode, 401, 'the raw token is no cookie');
});

test('scripts send the token as a Bearer header', async () => {
  const server = await app();
  assert.equal((await server.inject({ url: '/view/api/runs', headers: { authorization: `Bearer ${TOKEN}` } })).statusCode, 200);
  assert.equal((await server.inject({ url: '/view/api/runs', headers: { authorization: 'Bearer nope' } })).statusCode, 401);
});
