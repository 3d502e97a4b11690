import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { RollcallError } from '../../src/errors/rollcall-error.ts';

/** Fastify's own errors, mapped to registry codes. */
function toRollcallError(error: FastifyError | Error, maxBodyBytes: number): RollcallError {
  if (error instanceof RollcallError) return error;
  const code = (error as FastifyError).code;
  const status = (error as FastifyError).statusCode;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new RollcallError('RC_ERR_REQUEST_BODY_TOO_LARGE', { limitBytes: maxBodyBytes });
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return new RollcallError('RC_ERR_REQUEST_INVALID_JSON', { detail: error.message }, { cause: error });
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return new RollcallError('RC_ERR_REQUEST_VALIDATION', { path: 'request', detail: error.message }, { cause: error, status });
  }
  return new RollcallError('RC_ERR_SERVER_INTERNAL', { detail: error.message }, { cause: error });
}

/**
 * A registry error as the body a route's API expects: OpenAI's by default; the routes of another
 * API dialect (Anthropic Messages) set theirs in their route config, so the one handler below
 * answers each client in its own shape.
 */
export type ErrorBody = (error: RollcallError) => unknown;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How this route's errors are rendered (default: OpenAI's error body). */
    errorBody?: ErrorBody;
  }
}

const bodyFor = (request: FastifyRequest, error: RollcallError): unknown => (request.routeOptions.config.errorBody ?? ((e: RollcallError) => e.toBody()))(error);

/**
 * The one error handler: every failure reaches the client as OpenAI's error body with a
 * registry code, and `x-should-retry` tells SDKs whether retrying can help. A request refused
 * before its body arrived (no key, a body too large or too slow) closes the connection, so the
 * rest of that body is never read.
 */
export function installErrorHandling(app: FastifyInstance, maxBodyBytes: number): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const mapped = toRollcallError(error, maxBodyBytes);
    if (mapped.status >= 500 && mapped.code !== 'RC_ERR_SERVER_SHUTTING_DOWN') request.log.error({ err: error, code: mapped.code }, 'request failed');
    if (!request.raw.complete || mapped.code === 'RC_ERR_SERVER_SHUTTING_DOWN') void reply.header('connection', 'close');
    void reply
      .code(mapped.status)
      .headers(mapped.headers)
      .header('x-should-retry', String(mapped.retryable))
      .send(bodyFor(request, mapped));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new RollcallError('RC_ERR_REQUEST_NOT_FOUND', { method: request.method, url: request.url.replace(/\/r\/[^/]+/, '/r/<key>') });
    if (!request.raw.complete) void reply.header('connection', 'close');
    void reply.code(error.status).header('x-should-retry', 'false').send(error.toBody());
  });
}
