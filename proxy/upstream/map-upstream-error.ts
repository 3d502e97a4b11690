import { errors as undiciErrors } from 'undici';
import { RollcallError } from '../../src/errors/rollcall-error.ts';

/**
 * The one place undici failures become registry errors: connect failures 502, time-outs 504,
 * resets 502. The undici error is kept as `cause`.
 */
export function mapUpstreamError(error: unknown, origin: string, timeouts: { firstByteTimeoutMs: number; bodyTimeoutMs: number }): RollcallError {
  if (error instanceof RollcallError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string } | null)?.code;
  if (error instanceof undiciErrors.HeadersTimeoutError) {
    return new RollcallError('RC_ERR_UPSTREAM_TIMEOUT', { origin, timeoutMs: timeouts.firstByteTimeoutMs }, { cause: error });
  }
  if (error instanceof undiciErrors.BodyTimeoutError) {
    return new RollcallError('RC_ERR_UPSTREAM_TIMEOUT', { origin, timeoutMs: timeouts.bodyTimeoutMs }, { cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new RollcallError('RC_ERR_UPSTREAM_CONNECT', { origin, detail: 'connect timed out' }, { cause: error });
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'EAI_AGAIN') {
    return new RollcallError('RC_ERR_UPSTREAM_CONNECT', { origin, detail: code }, { cause: error });
  }
  if (error instanceof undiciErrors.SocketError || code === 'ECONNRESET' || code === 'EPIPE') {
    return new RollcallError('RC_ERR_UPSTREAM_RESET', { origin, detail }, { cause: error });
  }
  return new RollcallError('RC_ERR_UPSTREAM_RESET', { origin, detail }, { cause: error });
}

/** Reads an engine's error message from any of the three envelopes engines use. */
export function readEngineErrorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const nested = parsed.error;
    if (nested !== null && typeof nested === 'object' && typeof (nested as { message?: unknown }).message === 'string') {
      return (nested as { message: string }).message;
    }
    if (typeof nested === 'string') return nested;
    if (typeof parsed.message === 'string') return parsed.message;
    if (parsed.detail !== undefined) return typeof parsed.detail === 'string' ? parsed.detail : JSON.stringify(parsed.detail);
  } catch {
    // Not JSON: the raw text is the most useful message there is.
  }
  return body.length > 500 ? `${body.slice(0, 500)}…` : body;
}

type ResponseHeaders = Record<string, string | string[] | undefined>;

/** The engine's Retry-After, passed on unchanged (seconds or an HTTP date). */
function retryAfterOf(headers: ResponseHeaders | undefined): Record<string, string> {
  const value = headers?.['retry-after'];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? {} : { 'retry-after': first };
}

/**
 * An engine status other than 200. A 429 (an engine or gateway over its rate limit) stays a
 * retryable 429 with the engine's Retry-After; other 4xx pass through with the engine's status and
 * message and are not retried (the same request fails again); 5xx become a retryable 502, with
 * the engine's Retry-After where it sent one (vLLM's 503 while overloaded).
 */
export function engineStatusError(status: number, body: string, headers?: ResponseHeaders): RollcallError {
  const detail = readEngineErrorMessage(body);
  if (status === 429) return new RollcallError('RC_ERR_UPSTREAM_RATE_LIMITED', { detail }, { headers: retryAfterOf(headers) });
  if (status >= 400 && status < 500) {
    return new RollcallError('RC_ERR_UPSTREAM_REJECTED', { detail }, { status });
  }
  return new RollcallError('RC_ERR_UPSTREAM_SERVER_ERROR', { engineStatus: status, detail }, { headers: retryAfterOf(headers) });
}
