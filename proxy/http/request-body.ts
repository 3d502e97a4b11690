import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { nestsDeeperThan } from './json-depth.ts';

/**
 * Request bodies are read here and kept as text: recorded exactly as sent, parsed by the route.
 * Reading is bounded three ways before any route sees the body: its size (413), the time the
 * client takes to send it (408: a slow or stalled body must not hold a socket open for
 * minutes), and how deeply it nests (400). Body reading starts only after the `onRequest`
 * hooks, so a request without a valid key is refused before its body is read at all.
 */
export type BodyLimits = { maxBodyBytes: number; requestBodyTimeoutMs: number; maxJsonDepth: number };

function readBody(payload: IncomingMessage, limits: BodyLimits): Promise<string> {
  const tooLarge = () => new RollcallError('RC_ERR_REQUEST_BODY_TOO_LARGE', { limitBytes: limits.maxBodyBytes });
  if (Number(payload.headers['content-length']) > limits.maxBodyBytes) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (error: RollcallError | null) => {
      clearTimeout(timer);
      payload.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
      if (error !== null) return reject(error);
      const text = Buffer.concat(chunks, size).toString('utf8');
      if (nestsDeeperThan(text, limits.maxJsonDepth)) return reject(new RollcallError('RC_ERR_REQUEST_TOO_DEEP', { limit: limits.maxJsonDepth }));
      resolve(text);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBodyBytes) return finish(tooLarge());
      chunks.push(chunk);
    };
    const onEnd = () => finish(null);
    const onError = (error: Error) => finish(new RollcallError('RC_ERR_REQUEST_MALFORMED_HTTP', { detail: error.message }, { cause: error }));
    const onAborted = () => finish(new RollcallError('RC_ERR_REQUEST_MALFORMED_HTTP', { detail: 'the client closed the connection before the body was complete' }));
    const timer = setTimeout(() => finish(new RollcallError('RC_ERR_REQUEST_TIMEOUT', { part: 'body', timeoutMs: limits.requestBodyTimeoutMs })), limits.requestBodyTimeoutMs);
    payload.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
  });
}

/** Every content type is read as text, within the limits above. */
export function installRequestBodyReading(app: FastifyInstance, limits: BodyLimits): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    readBody(payload, limits).then(
      (text) => done(null, text),
      (error: Error) => done(error, undefined),
    );
  });
}
