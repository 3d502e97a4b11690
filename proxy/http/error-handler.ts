import type { FastifyError, FastifyInstance } from 'fastify';
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

/** A registry error as the body the client's API expects: OpenAI's, or a dialect's own shape. */
export type ErrorBody = (error: RollcallError) => unknown;

const openAiBody: ErrorBody = (error) => error.toBody();

/**
 * The one error handler: every failure reaches the client with a registry code, in OpenAI's error
 * body unless the routes of a dialect (registered in their own scope) render their API's shape,
 * and `x-should-retry` tells SDKs whether retrying can help.
 */
export function setErrorRendering(app: FastifyInstance, maxBodyBytes: number, body: ErrorBody): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    const mapped = toRollcallError(error, maxBodyBytes);
    if (mapped.status >= 500) request.log.error({ err: error, code: mapped.code }, 'request failed');
    void reply
      .code(mapped.status)
      .headers(mapped.headers)
      .header('x-should-retry', String(mapped.retryable))
      .send(body(mapped));
  });
}

export function installErrorHandling(app: FastifyInstance, maxBodyBytes: number): void {
  setErrorRendering(app, maxBodyBytes, openAiBody);
  app.setNotFoundHandler((request, reply) => {
    const error = new RollcallError('RC_ERR_REQUEST_NOT_FOUND', { method: request.method, url: request.url.replace(/\/r\/[^/]+/, '/r/<key>') });
    void reply.code(error.status).header('x-should-retry', 'false').send(error.toBody());
  });
}

/** Request bodies are kept as text: recorded exactly as sent, parsed by the route. */
export function installRawBodyParsing(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
}
