import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { EngineResponse } from '../upstream/engine-pool.ts';
import { engineStatusError } from '../upstream/map-upstream-error.ts';
import type { PreparedCall } from '../strategies/call-strategy.ts';
import type { CallRun } from './call-run.ts';

/**
 * Sending a prepared request to the replica serving the rollout, and reading a whole answer.
 * Failures throw: transport failures as undici or registry errors (the caller maps them), an
 * engine status other than 200 as its registry error with the engine's message.
 */

/** Sends the request; resolves with the engine's 200 response. */
export async function sendPrepared(run: CallRun, prepared: PreparedCall): Promise<EngineResponse> {
  const { call, engine } = run;
  const response = await engine.replicas.request(call.rollout, { method: 'POST', path: prepared.path, body: prepared.json, signal: call.signal });
  if (response.statusCode === 200) return response;
  const text = await response.body.text().catch(() => '');
  throw engineStatusError(response.statusCode, text, response.headers);
}

export type WholeBody = { bytes: Buffer; json: unknown; ttftMs: number };

/** Reads the whole body; an answer that is not a JSON object or array is RC_ERR_UPSTREAM_BAD_RESPONSE. */
export async function readWholeBody(response: EngineResponse, startedMs: number): Promise<WholeBody> {
  const bytes = Buffer.from(await response.body.arrayBuffer());
  const ttftMs = performance.now() - startedMs;
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (cause) {
    throw new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: (cause as Error).message }, { cause });
  }
  if (json === null || typeof json !== 'object') throw new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: 'the answer is not a JSON object or array' });
  return { bytes, json, ttftMs };
}
