import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADMIN_TOKEN, withEngineAndProxy } from '../../support/proxy-harness.ts';
import { rawExchange, type RawAnswer } from '../../support/raw-http.ts';

/**
 * The bad-input table: requests a client, a broken SDK or an attacker can send. Every row gets
 * its status and OpenAI's error body with a registry code, `x-should-retry: false` (none of them
 * can succeed by retrying), the proxy keeps serving, and nothing recorded changes: the database
 * reads the same before and after the row.
 */
let skewMs = 0;
const env = withEngineAndProxy({
  proxy: { maxBodyBytes: 4096, requestBodyTimeoutMs: 400, maxChoicesPerCall: 8, maxJsonDepth: 32 },
  deps: { now: () => Date.now() + skewMs },
});

type KeyName = 'open' | 'finished' | 'cancelled' | 'expired' | 'limited' | 'tight' | 'admin' | 'garbage';
type Keys = Record<KeyName, string> & { openId: string; finishedId: string };
let keys: Keys;
let setUp: Promise<void> | undefined;

const msg = (extra: string) => `{"model": "fake-model", "messages": [{"role": "user", "content": "hi"}]${extra}}`;
const chat = msg('');
const nested = (depth: number) => `{"model": "m", "messages": [{"role": "user", "content": "x"}], "metadata": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

type Row = {
  name: string;
  method?: string;
  path?: string;
  /** The credential sent as a Bearer header (default `open`); null sends none. */
  key?: KeyName | null;
  headers?: Record<string, string>;
  body?: string;
  /** Bytes sent as they are on a raw connection, instead of a fetch. */
  raw?: (keys: Keys) => string;
  status: number;
  code: string;
  param?: string;
  /** The proxy closes the connection after answering (a body it refused to read). */
  closes?: boolean;
};

const ROWS: Row[] = [
  // Credentials
  { name: 'no key', key: null, body: chat, status: 401, code: 'RC_ERR_AUTH_MISSING_KEY' },
  { name: 'an unknown key', key: 'garbage', body: chat, status: 401, code: 'RC_ERR_AUTH_INVALID_KEY' },
  { name: "a finished rollout's key", key: 'finished', body: chat, status: 401, code: 'RC_ERR_AUTH_KEY_REVOKED' },
  { name: "a cancelled rollout's key", key: 'cancelled', body: chat, status: 401, code: 'RC_ERR_AUTH_KEY_REVOKED' },
  { name: "an expired rollout's key (expired by the sweeper)", key: 'expired', body: chat, status: 401, code: 'RC_ERR_ROLLOUT_EXPIRED' },
  { name: 'the admin token on an OpenAI route', key: 'admin', body: chat, status: 401, code: 'RC_ERR_AUTH_INVALID_KEY' },
  { name: 'an empty Bearer', key: null, headers: { authorization: 'Bearer ' }, body: chat, status: 401, code: 'RC_ERR_AUTH_MISSING_KEY' },
  { name: 'Basic credentials', key: null, headers: { authorization: 'Basic dXNlcjpwYXNz' }, body: chat, status: 401, code: 'RC_ERR_AUTH_MISSING_KEY' },
  { name: 'an unknown x-api-key', key: null, headers: { 'x-api-key': 'rk-nope' }, body: chat, status: 401, code: 'RC_ERR_AUTH_INVALID_KEY' },
  { name: 'a key of 3,000 characters', key: null, headers: { authorization: `Bearer rk-${'a'.repeat(3000)}` }, body: chat, status: 401, code: 'RC_ERR_AUTH_INVALID_KEY' },
  { name: 'an unknown key in the path', key: null, path: '/r/rk-nope/v1/chat/completions', body: chat, status: 401, code: 'RC_ERR_AUTH_INVALID_KEY' },
  { name: 'an unknown path key beside a valid Bearer (the path wins)', path: '/r/rk-nope/v1/chat/completions', body: chat, status: 401, code: 'RC_ERR_AUTH_INVALID_KEY' },
  { name: 'no key on GET /v1/models', key: null, method: 'GET', path: '/v1/models', status: 401, code: 'RC_ERR_AUTH_MISSING_KEY' },
  { name: 'a rollout key on an admin route', method: 'GET', path: '/admin/rollouts', status: 403, code: 'RC_ERR_AUTH_ADMIN_REQUIRED' },
  { name: 'no token on an admin route', key: null, method: 'GET', path: '/admin/rollouts', status: 401, code: 'RC_ERR_AUTH_ADMIN_INVALID' },
  { name: 'a wrong admin token', key: 'garbage', method: 'GET', path: '/admin/rollouts', status: 401, code: 'RC_ERR_AUTH_ADMIN_INVALID' },
  // Bodies
  { name: 'malformed JSON', body: '{"messages": [', status: 400, code: 'RC_ERR_REQUEST_INVALID_JSON' },
  { name: 'an empty body', body: '', status: 400, code: 'RC_ERR_REQUEST_INVALID_JSON' },
  { name: 'trailing text after the JSON', body: `${chat} and more`, status: 400, code: 'RC_ERR_REQUEST_INVALID_JSON' },
  { name: 'a byte-order mark before the JSON', body: `\ufeff${chat}`, status: 400, code: 'RC_ERR_REQUEST_INVALID_JSON' },
  { name: 'a JSON array', body: '[]', status: 400, code: 'RC_ERR_REQUEST_VALIDATION' },
  { name: 'JSON null', body: 'null', status: 400, code: 'RC_ERR_REQUEST_VALIDATION' },
  { name: 'a JSON string', body: '"hi"', status: 400, code: 'RC_ERR_REQUEST_VALIDATION' },
  { name: 'a body over the limit', body: msg(`, "x": "${'x'.repeat(5000)}"`), status: 413, code: 'RC_ERR_REQUEST_BODY_TOO_LARGE' },
  { name: 'nesting one level beyond the limit', body: nested(32), status: 400, code: 'RC_ERR_REQUEST_TOO_DEEP' },
  { name: 'nesting 1,500 levels deep', body: nested(1500), status: 400, code: 'RC_ERR_REQUEST_TOO_DEEP' },
  { name: 'nesting beyond the limit in an admin body', path: '/admin/rollouts', key: 'admin', body: `{"metadata": {"a": ${nested(40)}}}`, status: 400, code: 'RC_ERR_REQUEST_TOO_DEEP' },
  // Fields
  { name: 'no messages', body: '{"model": "m"}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'messages' },
  { name: 'no message at all', body: '{"messages": []}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'messages' },
  { name: 'messages of the wrong type', body: '{"messages": "hi"}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'messages' },
  { name: 'a message that is null', body: '{"messages": [null]}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'messages.0' },
  { name: 'a message with an unknown role', body: '{"messages": [{"role": "robot", "content": "x"}]}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'messages.0.role' },
  { name: 'message content that is a number', body: '{"messages": [{"role": "user", "content": 7}]}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'messages.0.content' },
  { name: 'tool_calls that are not a list', body: '{"messages": [{"role": "assistant", "content": "x", "tool_calls": "f()"}]}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'messages.0.tool_calls' },
  { name: 'temperature as a string', body: msg(', "temperature": "hot"'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'temperature' },
  { name: 'a negative temperature', body: msg(', "temperature": -0.5'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'temperature' },
  { name: 'top_p of zero', body: msg(', "top_p": 0'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'top_p' },
  { name: 'top_p above one', body: msg(', "top_p": 1.5'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'top_p' },
  { name: 'n of zero', body: msg(', "n": 0'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'n' },
  { name: 'a negative n', body: msg(', "n": -2'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'n' },
  { name: 'a fractional n', body: msg(', "n": 1.5'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'n' },
  { name: 'n above the configured ceiling', body: msg(', "n": 9'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'n' },
  { name: 'n of a million', body: msg(', "n": 1000000'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'n' },
  { name: 'max_tokens of zero', body: msg(', "max_tokens": 0'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'max_tokens' },
  { name: 'max_tokens as a string', body: msg(', "max_tokens": "10"'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'max_tokens' },
  { name: 'a negative max_completion_tokens', body: msg(', "max_completion_tokens": -5'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'max_completion_tokens' },
  { name: 'stream as a string', body: msg(', "stream": "yes"'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'stream' },
  { name: 'include_usage as a string', body: msg(', "stream": true, "stream_options": {"include_usage": "yes"}'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'stream_options.include_usage' },
  { name: 'a fractional seed', body: msg(', "seed": 1.5'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'seed' },
  { name: 'logprobs as a string', body: msg(', "logprobs": "true"'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'logprobs' },
  { name: 'a negative top_logprobs', body: msg(', "top_logprobs": -1'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'top_logprobs' },
  { name: 'tools that are not a list', body: msg(', "tools": {"type": "function"}'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'tools' },
  { name: 'a tool without a type', body: msg(', "tools": [{"function": {"name": "f"}}]'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'tools.0.type' },
  { name: 'tool_choice as a number', body: msg(', "tool_choice": 3'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'tool_choice' },
  { name: 'stop as a number', body: msg(', "stop": 5'), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'stop' },
  { name: 'model as a number', body: msg(', "model": 42').replace('"model": "fake-model", ', ''), status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'model' },
  // Limits
  { name: 'a call over the call limit', key: 'limited', body: chat, status: 403, code: 'RC_ERR_ROLLOUT_CALL_LIMIT' },
  { name: 'more choices than tokens left in the budget', key: 'tight', body: msg(', "n": 2'), status: 403, code: 'RC_ERR_ROLLOUT_TOKEN_LIMIT' },
  // Routes
  { name: 'GET on the chat route', method: 'GET', status: 404, code: 'RC_ERR_REQUEST_NOT_FOUND' },
  { name: 'PUT on the chat route', method: 'PUT', body: chat, status: 404, code: 'RC_ERR_REQUEST_NOT_FOUND' },
  { name: 'an unknown OpenAI route', path: '/v1/embeddings', body: '{"input": "x"}', status: 404, code: 'RC_ERR_REQUEST_NOT_FOUND' },
  { name: 'an unknown admin route', path: '/admin/nothing', method: 'GET', key: 'admin', status: 404, code: 'RC_ERR_REQUEST_NOT_FOUND' },
  // Admin bodies
  { name: 'an unknown key in a rollout creation', path: '/admin/rollouts', key: 'admin', body: '{"taskId": "t", "temprature": 0.7}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION' },
  { name: 'a limit of the wrong type', path: '/admin/rollouts', key: 'admin', body: '{"limits": {"maxCalls": "ten"}}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'limits.maxCalls' },
  { name: 'a negative limit', path: '/admin/rollouts', key: 'admin', body: '{"limits": {"maxTotalTokens": -1}}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'limits.maxTotalTokens' },
  { name: 'a negative sampling temperature', path: '/admin/rollouts', key: 'admin', body: '{"sampling": {"temperature": -1}}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'sampling.temperature' },
  { name: 'malformed JSON on an admin route', path: '/admin/rollouts', key: 'admin', body: '{"taskId": ', status: 400, code: 'RC_ERR_REQUEST_INVALID_JSON' },
  { name: 'a reward that is not a number', path: '/admin/rollouts/OPEN/finish', key: 'admin', body: '{"reward": "1"}', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'reward' },
  { name: 'finishing a rollout that does not exist', path: '/admin/rollouts/ro_missing/finish', key: 'admin', body: '{}', status: 404, code: 'RC_ERR_ROLLOUT_NOT_FOUND' },
  { name: 'finishing a finished rollout again', path: '/admin/rollouts/FINISHED/finish', key: 'admin', body: '{"reward": 1}', status: 409, code: 'RC_ERR_ROLLOUT_NOT_OPEN' },
  { name: 'a bad list cursor', path: '/admin/rollouts?cursor=zzz', method: 'GET', key: 'admin', status: 400, code: 'RC_ERR_REQUEST_VALIDATION', param: 'cursor' },
  { name: 'resuming a policy that is not paused', path: '/admin/policy/resume', key: 'admin', body: '{}', status: 409, code: 'RC_ERR_POLICY_NOT_PAUSED' },
  // HTTP itself, on raw connections
  { name: 'a request line that is not HTTP', raw: () => 'HELLO THERE\r\n\r\n', status: 400, code: 'RC_ERR_REQUEST_MALFORMED_HTTP', closes: true },
  { name: 'a header name with a space', raw: () => head(['GET /health HTTP/1.1', 'Host: proxy', 'Bad Header: 1']), status: 400, code: 'RC_ERR_REQUEST_MALFORMED_HTTP', closes: true },
  { name: 'headers over 16 KiB', raw: () => head(['GET /health HTTP/1.1', 'Host: proxy', `X-Big: ${'a'.repeat(20_000)}`]), status: 431, code: 'RC_ERR_REQUEST_HEADERS_TOO_LARGE', closes: true },
  { name: 'a content-length that is not a number', raw: () => head(['POST /v1/chat/completions HTTP/1.1', 'Host: proxy', 'Content-Length: ten']), status: 400, code: 'RC_ERR_REQUEST_MALFORMED_HTTP', closes: true },
  { name: 'both content-length and chunked', raw: (k) => head(['POST /v1/chat/completions HTTP/1.1', 'Host: proxy', `Authorization: Bearer ${k.open}`, 'Content-Length: 5', 'Transfer-Encoding: chunked']), status: 400, code: 'RC_ERR_REQUEST_MALFORMED_HTTP', closes: true },
  { name: 'a chunked body with a chunk size that is not hex', raw: (k) => `${head(['POST /v1/chat/completions HTTP/1.1', 'Host: proxy', `Authorization: Bearer ${k.open}`, 'Transfer-Encoding: chunked'])}zz\r\n{}\r\n0\r\n\r\n`, status: 400, code: 'RC_ERR_REQUEST_MALFORMED_HTTP', closes: true },
  { name: 'an HTTP/2 preface on the HTTP/1.1 port', raw: () => 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', status: 400, code: 'RC_ERR_REQUEST_MALFORMED_HTTP', closes: true },
  { name: 'a declared body over the limit, not sent', raw: (k) => head(['POST /v1/chat/completions HTTP/1.1', 'Host: proxy', `Authorization: Bearer ${k.open}`, 'Content-Length: 100000']), status: 413, code: 'RC_ERR_REQUEST_BODY_TOO_LARGE', closes: true },
  { name: 'no key, with a body still to come (refused before reading it)', raw: () => head(['POST /v1/chat/completions HTTP/1.1', 'Host: proxy', 'Content-Length: 3000']), status: 401, code: 'RC_ERR_AUTH_MISSING_KEY', closes: true },
  { name: 'a body that stops short of its content-length', raw: (k) => `${head(['POST /v1/chat/completions HTTP/1.1', 'Host: proxy', `Authorization: Bearer ${k.open}`, 'Content-Length: 200'])}{"messages": [`, status: 408, code: 'RC_ERR_REQUEST_TIMEOUT', closes: true },
];

/** The rollouts the rows use, made once (after the harness started the proxy). */
async function setUpRollouts(): Promise<void> {
  const make = async (limits?: Record<string, number>) => env.proxy.createRollout(limits === undefined ? {} : { limits });
  const [open, finished, cancelled, expired, limited, tight] = await Promise.all([make(), make(), make(), make({ ttlMs: 50 }), make({ maxCalls: 1 }), make({ maxTotalTokens: 1 })]);
  await env.proxy.admin('POST', `/admin/rollouts/${finished!.rolloutId}/finish`, {});
  await env.proxy.admin('POST', `/admin/rollouts/${cancelled!.rolloutId}/cancel`);
  const used = await fetch(`${env.proxy.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${limited!.apiKey}` }, body: chat });
  assert.equal(used.status, 200);
  skewMs = 60_000;
  env.proxy.registry.expireDue(); // the periodic sweep may have expired it already, on a loaded machine
  assert.equal(env.proxy.store.rollouts.get(expired!.rolloutId)?.status, 'expired');
  keys = {
    open: open!.apiKey, finished: finished!.apiKey, cancelled: cancelled!.apiKey, expired: expired!.apiKey,
    limited: limited!.apiKey, tight: tight!.apiKey, admin: ADMIN_TOKEN, garbage: 'rk-not-a-key',
    openId: open!.rolloutId, finishedId: finished!.rolloutId,
  };
}

/** Everything recorded: every rollout row and every call row. */
function recorded(): string {
  const rollouts = env.proxy.store.db.prepare('SELECT * FROM rollouts ORDER BY id').all();
  const calls = env.proxy.store.db.prepare('SELECT id, rollout_id, seq, status, trainable, untrainable_reason, error_json FROM calls ORDER BY id').all();
  return JSON.stringify({ rollouts, calls });
}

async function send(row: Row): Promise<RawAnswer> {
  if (row.raw !== undefined) return rawExchange(env.proxy.url, row.raw(keys));
  const key = row.key === null ? undefined : keys[row.key ?? 'open'];
  const path = (row.path ?? '/v1/chat/completions').replace('OPEN', keys.openId).replace('FINISHED', keys.finishedId);
  const response = await fetch(`${env.proxy.url}${path}`, {
    method: row.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { authorization: `Bearer ${key}` }), ...row.headers },
    ...(row.body === undefined ? {} : { body: row.body }),
  });
  return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text(), closed: response.headers.get('connection') === 'close' };
}

test(`the table holds at least 60 bad inputs (${ROWS.length})`, () => {
  assert.ok(ROWS.length >= 60);
});

for (const row of ROWS) {
  test(`bad input: ${row.name} → ${row.status} ${row.code}; nothing recorded changes; the proxy keeps serving`, { timeout: 30_000 }, async () => {
    await (setUp ??= setUpRollouts());
    const before = recorded();
    const answer = await send(row);
    const json = JSON.parse(answer.body) as { error: { code: string; message: string; param: string | null; type: string } };
    assert.equal(answer.status, row.status, answer.body);
    assert.deepEqual(Object.keys(json.error).sort(), ['code', 'message', 'param', 'type']);
    assert.equal(json.error.code, row.code);
    assert.ok(json.error.message.length > 10);
    assert.equal(answer.headers['x-should-retry'], 'false');
    if (row.param !== undefined) assert.equal(json.error.param, row.param);
    if (row.closes === true) assert.equal(answer.closed, true, 'the connection is closed, the rest of the request never read');
    assert.equal(recorded(), before, 'nothing recorded changed');
    assert.equal((await fetch(`${env.proxy.url}/health`)).status, 200);
  });
}

test('the proxy keeps serving after every bad input', async () => {
  await (setUp ??= setUpRollouts());
  const response = await fetch(`${env.proxy.url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${keys.open}` }, body: chat });
  assert.equal(response.status, 200);
});
