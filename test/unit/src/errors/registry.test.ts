import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderErrorsDoc } from '../../../../src/docs/errors-doc.ts';
import { ERROR_CODES, type ErrorCode } from '../../../../src/errors/registry.ts';
import { ERROR_REMEDIES } from '../../../../src/errors/remedies.ts';
import { RollcallError } from '../../../../src/errors/rollcall-error.ts';

/** Pinned status of every code: changing one is a breaking change for clients. */
const PINNED = {
  RC_ERR_AUTH_MISSING_KEY: 401,
  RC_ERR_AUTH_INVALID_KEY: 401,
  RC_ERR_AUTH_KEY_REVOKED: 401,
  RC_ERR_AUTH_ADMIN_REQUIRED: 403,
  RC_ERR_AUTH_ADMIN_INVALID: 401,
  RC_ERR_AUTH_VIEW_INVALID: 401,
  RC_ERR_REQUEST_INVALID_JSON: 400,
  RC_ERR_REQUEST_VALIDATION: 400,
  RC_ERR_REQUEST_BODY_TOO_LARGE: 413,
  RC_ERR_REQUEST_NOT_FOUND: 404,
  RC_ERR_REQUEST_TOO_DEEP: 400,
  RC_ERR_REQUEST_TIMEOUT: 408,
  RC_ERR_REQUEST_MALFORMED_HTTP: 400,
  RC_ERR_REQUEST_HEADERS_TOO_LARGE: 431,
  RC_ERR_ROLLOUT_NOT_FOUND: 404,
  RC_ERR_ROLLOUT_NOT_OPEN: 409,
  RC_ERR_ROLLOUT_CALL_LIMIT: 403,
  RC_ERR_ROLLOUT_TOKEN_LIMIT: 403,
  RC_ERR_ROLLOUT_EXPIRED: 401,
  RC_ERR_POLICY_PAUSED: 429,
  RC_ERR_POLICY_NOT_PAUSED: 409,
  RC_ERR_POLICY_DRAIN_TIMEOUT: 504,
  RC_ERR_DIALECT_UNSUPPORTED_CONTENT: 400,
  RC_ERR_DIALECT_SERVER_TOOL: 400,
  RC_ERR_DIALECT_UNSUPPORTED_FIELD: 400,
  RC_ERR_DIALECT_PREVIOUS_RESPONSE: 400,
  RC_ERR_DIALECT_COUNT_UNSUPPORTED: 400,
  RC_ERR_ENGINE_CAPABILITY: 502,
  RC_ERR_ENGINE_MODE_UNSUPPORTED: 400,
  RC_ERR_ENGINE_NOT_READY: 503,
  RC_ERR_UPSTREAM_CONNECT: 502,
  RC_ERR_UPSTREAM_TIMEOUT: 504,
  RC_ERR_UPSTREAM_RESET: 502,
  RC_ERR_UPSTREAM_REJECTED: 400,
  RC_ERR_UPSTREAM_SERVER_ERROR: 502,
  RC_ERR_UPSTREAM_STREAM_BROKEN: 502,
  RC_ERR_UPSTREAM_BAD_RESPONSE: 502,
  RC_ERR_UPSTREAM_RATE_LIMITED: 429,
  RC_ERR_UPSTREAM_ERROR_EVENT: 502,
  RC_ERR_UPSTREAM_UNFINISHED: 502,
  RC_ERR_RENDER_TEMPLATE: 400,
  RC_ERR_PROXY_UNREACHABLE: 502,
  RC_ERR_PROXY_POLICY_SYNC: 502,
  RC_ERR_DATA_NOT_FOUND: 404,
  RC_ERR_DATA_UNAUTHORIZED: 401,
  RC_ERR_DATA_UNREACHABLE: 502,
  RC_ERR_DATA_BAD_RESPONSE: 502,
  RC_ERR_DATA_NO_FILES: 404,
  RC_ERR_DATA_CORRUPT: 502,
  RC_ERR_VIEW_NOT_FOUND: 404,
  RC_ERR_VIEW_PATH: 400,
  RC_ERR_VIEW_TOKENIZER: 400,
  RC_ERR_SERVER_INTERNAL: 500,
  RC_ERR_SERVER_SHUTTING_DOWN: 503,
} as Record<ErrorCode, number>;

/** Trainer-side codes carry their whole message in {detail}; their status only matters over HTTP. */
for (const code of Object.keys(ERROR_CODES)) {
  if (/^RC_ERR_(JUDGE|TASKS|ENV|METRICS|PUBLISH|PYTHON)_/.test(code)) PINNED[code as ErrorCode] = ERROR_CODES[code as ErrorCode].status;
}

test('every code has its pinned status and follows RC_ERR_<AREA>_<DETAIL>', () => {
  for (const [code, spec] of Object.entries(ERROR_CODES)) {
    assert.match(code, /^RC_ERR_[A-Z]+_[A-Z_]+$/);
    assert.equal(spec.status, PINNED[code as ErrorCode], code);
    assert.ok(spec.message.length > 10 || spec.message === '{detail}', code);
  }
  assert.deepEqual(Object.keys(PINNED).sort(), Object.keys(ERROR_CODES).sort());
});

test('every code says its cause and its fix, in sentences of its own', () => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const remedy = ERROR_REMEDIES[code];
    assert.ok(remedy !== undefined, `${code} has no cause and fix in src/errors/remedies.ts`);
    for (const [part, text] of Object.entries(remedy)) {
      assert.ok(text.length >= 20 && !text.includes('{detail}'), `${code} ${part}: ${text}`);
      assert.match(text, /[.!?)`]$/, `${code} ${part} ends a sentence`);
    }
    assert.notEqual(remedy.cause, remedy.fix, code);
  }
  assert.deepEqual(Object.keys(ERROR_REMEDIES).sort(), Object.keys(ERROR_CODES).sort());
});

test('messages fill their placeholders and the body is OpenAI-shaped', () => {
  const error = new RollcallError('RC_ERR_ROLLOUT_CALL_LIMIT', { rolloutId: 'ro_1', limit: 3 });
  assert.equal(error.message, 'The rollout ro_1 reached its limit of 3 calls');
  assert.deepEqual(error.toBody(), {
    error: { message: error.message, type: 'rollout_limit_error', param: null, code: 'RC_ERR_ROLLOUT_CALL_LIMIT' },
  });
  assert.equal(new RollcallError('RC_ERR_UPSTREAM_REJECTED', { detail: 'x' }, { status: 422 }).status, 422);
});

test('docs/errors.md lists every code and is up to date', () => {
  const doc = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    assert.ok(doc.includes(`\`${code}\``), code);
    const section = doc.slice(doc.indexOf(`### ${code}\n`));
    assert.ok(section.includes(`**Cause:** ${ERROR_REMEDIES[code].cause}`) && section.includes(`**Fix:** ${ERROR_REMEDIES[code].fix}`), `${code} has its cause and fix in docs/errors.md`);
  }
  assert.equal(doc, renderErrorsDoc(), 'run npm run docs');
});
