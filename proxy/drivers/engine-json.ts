import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { engineStatusError } from '../upstream/map-upstream-error.ts';
import type { EngineHttp } from './driver-types.ts';

/** A JSON request to the engine that must answer 200 with JSON; anything else is a clear error. */
export async function engineJson(http: EngineHttp, method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
  const response = await http({ method, path, ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(signal === undefined ? {} : { signal }) });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw engineStatusError(response.statusCode, text, response.headers);
  try {
    return text === '' ? null : (JSON.parse(text) as unknown);
  } catch (cause) {
    throw new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: `${path} answered with text that is not JSON` }, { cause });
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

export const isIdArray = (value: unknown): value is number[] => Array.isArray(value) && value.every((v) => Number.isInteger(v));
