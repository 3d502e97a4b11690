import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import type { Faults } from '../../fake-engine/faults.ts';
import { withEngineAndProxy } from '../../support/proxy-harness.ts';
import { sseData, sseErrors } from '../../support/sse-text.ts';

/**
 * The engine-fault table: every way an engine (or what sits between it and the proxy) can fail
 * or misbehave, in both modes. Each row says what the client gets, what is recorded, and that
 * other rollouts are not touched: the calls a neighbour rollout made before stay as they were,
 * and its next call is answered and trainable.
 */
type ClientGets =
  | { status: number; code: string; retry: boolean; retryAfter?: string }
  | { streamError: string }
  | { answered: true };

type Row = {
  name: string;
  faults: Partial<Faults>;
  stream: boolean;
  extra?: Record<string, unknown>;
  client: ClientGets;
  recorded: { status: 'completed' | 'failed'; reason: RegExp; code?: string };
  only?: 'chat' | 'token';
};

const BAD_ID = /token id 0 is |has no completion token ids/;

const ROWS: Row[] = [
  { name: 'a 500', faults: { errorStatus: 500 }, stream: false, client: { status: 502, code: 'RC_ERR_UPSTREAM_SERVER_ERROR', retry: true }, recorded: { status: 'failed', reason: /failed with status 500/, code: 'RC_ERR_UPSTREAM_SERVER_ERROR' } },
  { name: 'a 500 before a stream opens', faults: { errorStatus: 500 }, stream: true, client: { status: 502, code: 'RC_ERR_UPSTREAM_SERVER_ERROR', retry: true }, recorded: { status: 'failed', reason: /status 500/ } },
  { name: 'a 400', faults: { errorStatus: 400, errorMessage: 'bad thing' }, stream: false, client: { status: 400, code: 'RC_ERR_UPSTREAM_REJECTED', retry: false }, recorded: { status: 'failed', reason: /bad thing/ } },
  { name: 'a 429 with Retry-After', faults: { errorStatus: 429, retryAfterS: 7 }, stream: false, client: { status: 429, code: 'RC_ERR_UPSTREAM_RATE_LIMITED', retry: true, retryAfter: '7' }, recorded: { status: 'failed', reason: /rate limit/, code: 'RC_ERR_UPSTREAM_RATE_LIMITED' } },
  { name: 'a 429 before a stream opens', faults: { errorStatus: 429, retryAfterS: 2 }, stream: true, client: { status: 429, code: 'RC_ERR_UPSTREAM_RATE_LIMITED', retry: true, retryAfter: '2' }, recorded: { status: 'failed', reason: /rate limit/ } },
  { name: 'a 503 with Retry-After', faults: { errorStatus: 503, retryAfterS: 3 }, stream: false, client: { status: 502, code: 'RC_ERR_UPSTREAM_SERVER_ERROR', retry: true, retryAfter: '3' }, recorded: { status: 'failed', reason: /status 503/ } },
  { name: 'a connection cut before the answer', faults: { disconnectAfterTokens: 0 }, stream: false, client: { status: 502, code: 'RC_ERR_UPSTREAM_RESET', retry: true }, recorded: { status: 'failed', reason: /closed the connection/ } },
  { name: 'a stream cut after 3 tokens', faults: { disconnectAfterTokens: 3 }, stream: true, client: { streamError: 'RC_ERR_UPSTREAM_STREAM_BROKEN' }, recorded: { status: 'failed', reason: /stream broke/ } },
  { name: "the engine's error event after 2 tokens", faults: { errorEventAfterTokens: 2, errorMessage: 'CUDA out of memory' }, stream: true, client: { streamError: 'RC_ERR_UPSTREAM_ERROR_EVENT' }, recorded: { status: 'failed', reason: /CUDA out of memory/, code: 'RC_ERR_UPSTREAM_ERROR_EVENT' } },
  { name: 'a fractional token id', faults: { corrupt: 'fractional-id' }, stream: false, client: { answered: true }, recorded: { status: 'completed', reason: BAD_ID } },
  { name: 'a fractional token id, streamed', faults: { corrupt: 'fractional-id' }, stream: true, client: { answered: true }, recorded: { status: 'completed', reason: BAD_ID } },
  { name: 'a token id that is a string', faults: { corrupt: 'string-id' }, stream: false, client: { answered: true }, recorded: { status: 'completed', reason: BAD_ID } },
  { name: 'a token id that is a string, streamed', faults: { corrupt: 'string-id' }, stream: true, client: { answered: true }, recorded: { status: 'completed', reason: BAD_ID } },
  { name: 'a negative token id', faults: { corrupt: 'negative-id' }, stream: false, client: { answered: true }, recorded: { status: 'completed', reason: /token id 0 is -1, not an integer/ } },
  { name: 'a token id beyond int32, streamed', faults: { corrupt: 'huge-id' }, stream: true, client: { answered: true }, recorded: { status: 'completed', reason: /token id 0 is 2147483648/ } },
  { name: 'a logprob that is a string', faults: { corrupt: 'string-logprob' }, stream: false, client: { answered: true }, recorded: { status: 'completed', reason: /logprob that is not a finite number/ } },
  { name: 'no finish reason', faults: { corrupt: 'no-finish' }, stream: false, client: { answered: true }, recorded: { status: 'completed', reason: /without a finish reason/ } },
  { name: 'no finish reason, streamed', faults: { corrupt: 'no-finish' }, stream: true, client: { streamError: 'RC_ERR_UPSTREAM_UNFINISHED' }, recorded: { status: 'failed', reason: /without a finish reason/, code: 'RC_ERR_UPSTREAM_UNFINISHED' } },
  { name: "vLLM's abort finish reason", faults: { corrupt: 'abort-finish' }, stream: false, client: { answered: true }, recorded: { status: 'completed', reason: /"abort"/ } },
  { name: "vLLM's abort finish reason, streamed", faults: { corrupt: 'abort-finish' }, stream: true, client: { streamError: 'RC_ERR_UPSTREAM_UNFINISHED' }, recorded: { status: 'failed', reason: /"abort"/ } },
  { name: 'usage one token off', faults: { corrupt: 'usage-off' }, stream: false, client: { answered: true }, recorded: { status: 'completed', reason: /usage\.completion_tokens/ } },
  { name: 'usage one token off, streamed', faults: { corrupt: 'usage-off' }, stream: true, client: { answered: true }, recorded: { status: 'completed', reason: /usage\.completion_tokens/ } },
  { name: 'an answer that is not JSON', faults: { corrupt: 'not-json' }, stream: false, client: { status: 502, code: 'RC_ERR_UPSTREAM_BAD_RESPONSE', retry: false }, recorded: { status: 'failed', reason: /cannot read/ } },
  { name: 'an event that is not JSON', faults: { corrupt: 'not-json' }, stream: true, client: { streamError: 'RC_ERR_UPSTREAM_BAD_RESPONSE' }, recorded: { status: 'failed', reason: /not JSON/ } },
  { name: 'a stream without [DONE]', faults: { corrupt: 'no-done' }, stream: true, client: { streamError: 'RC_ERR_UPSTREAM_STREAM_BROKEN' }, recorded: { status: 'failed', reason: /before \[DONE\]/ } },
  { name: 'one of two choices missing', faults: { dropChoices: 1 }, stream: false, extra: { n: 2 }, client: { answered: true }, recorded: { status: 'completed', reason: /1 choice but n was 2/ } },
  { name: 'a first byte later than the timeout', faults: { firstByteDelayMs: 5_000 }, stream: false, client: { status: 504, code: 'RC_ERR_UPSTREAM_TIMEOUT', retry: true }, recorded: { status: 'failed', reason: /did not answer within/ } },
];

async function post(url: string, apiKey: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function checkClient(response: Response, row: Row): Promise<void> {
  const expected = row.client;
  const text = await response.text();
  if ('status' in expected) {
    assert.equal(response.status, expected.status, text);
    assert.equal(JSON.parse(text).error.code, expected.code);
    assert.equal(response.headers.get('x-should-retry'), String(expected.retry));
    assert.equal(response.headers.get('retry-after'), expected.retryAfter ?? null);
    return;
  }
  assert.equal(response.status, 200, text);
  const errors = row.stream ? sseErrors(text) : [];
  if ('streamError' in expected) {
    assert.equal(errors.length, 1, text);
    assert.equal(errors[0]?.error.code, expected.streamError);
    assert.equal(sseData(text).at(-1), '[DONE]');
  } else {
    assert.deepEqual(errors, []);
  }
}

for (const mode of ['chat', 'token'] as const) {
  describe(`engine faults in ${mode} mode`, () => {
    const env = withEngineAndProxy({ proxy: { engine: { mode, firstByteTimeoutMs: 1_000 } as never } });
    afterEach(() => env.engine.clearFaults());

    for (const row of ROWS.filter((r) => r.only === undefined || r.only === mode)) {
      test(`${row.name}: the client gets ${JSON.stringify(row.client)}, the call is recorded ${row.recorded.status} and not trainable`, async () => {
        const neighbour = await env.proxy.createRollout({ taskId: 'neighbour' });
        const body = { model: 'fake-model', messages: [{ role: 'user', content: `fault: ${row.name}` }], max_tokens: 16, stream: row.stream, ...row.extra };
        assert.equal((await post(env.proxy.url, neighbour.apiKey, body)).status, 200);
        const neighbourBefore = JSON.stringify(env.proxy.store.calls.listForRollout(neighbour.rolloutId));

        const { rolloutId, apiKey } = await env.proxy.createRollout();
        env.engine.setFaults({ ...row.faults, times: 1 });
        await checkClient(await post(env.proxy.url, apiKey, body), row);
        const calls = env.proxy.store.calls.listForRollout(rolloutId);
        assert.equal(calls.length, 1);
        const [call] = calls;
        assert.equal(call?.status, row.recorded.status);
        assert.equal(call?.trainable, false);
        assert.match(call?.untrainableReason ?? '', row.recorded.reason);
        if (row.recorded.code !== undefined) assert.equal(call?.error?.code, row.recorded.code);

        assert.equal(JSON.stringify(env.proxy.store.calls.listForRollout(neighbour.rolloutId)), neighbourBefore, "the neighbour's calls are untouched");
        assert.equal((await post(env.proxy.url, neighbour.apiKey, body)).status, 200);
        const [, next] = env.proxy.store.calls.listForRollout(neighbour.rolloutId);
        assert.equal(next?.trainable, true, next?.untrainableReason ?? '');
      });
    }

    test("the engine's error event reaches an OpenAI SDK stream reader as an APIError with its registry code", async () => {
      const { apiKey } = await env.proxy.createRollout();
      env.engine.setFaults({ errorEventAfterTokens: 2, times: 1 });
      const openai = new OpenAI({ baseURL: `${env.proxy.url}/v1`, apiKey, maxRetries: 0 });
      const stream = await openai.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }], stream: true });
      await assert.rejects(
        async () => {
          for await (const chunk of stream) void chunk.choices[0]?.delta.content;
        },
        (error: unknown) => error instanceof OpenAI.APIError && error.code === 'RC_ERR_UPSTREAM_ERROR_EVENT',
      );
    });
  });
}
