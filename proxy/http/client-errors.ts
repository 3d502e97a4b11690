import { maxHeaderSize, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { RollcallError } from '../../src/errors/rollcall-error.ts';

/**
 * Requests that fail before Fastify sees them (Node's HTTP parser: a malformed request line,
 * oversized headers, headers that never finish arriving) still get OpenAI's error body with a
 * registry code, then the connection closes: after a parse error nothing more on it can be read.
 */
function toRollcallError(error: NodeJS.ErrnoException & { reason?: string }, headersTimeoutMs: number): RollcallError {
  if (error.code === 'HPE_HEADER_OVERFLOW') return new RollcallError('RC_ERR_REQUEST_HEADERS_TOO_LARGE', { limitBytes: maxHeaderSize });
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return new RollcallError('RC_ERR_REQUEST_TIMEOUT', { part: 'headers', timeoutMs: headersTimeoutMs });
  return new RollcallError('RC_ERR_REQUEST_MALFORMED_HTTP', { detail: error.reason ?? error.message }, { cause: error });
}

/** Answers a `clientError` of the HTTP server, when the socket can still take an answer. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket, headersTimeoutMs: number): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // A response already under way on this socket cannot be followed by another: just close it.
  const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || current?.headersSent === true) return void socket.destroy();
  const mapped = toRollcallError(error, headersTimeoutMs);
  const body = JSON.stringify(mapped.toBody());
  const head = [
    `HTTP/1.1 ${mapped.status} ${STATUS_CODES[mapped.status] ?? 'Error'}`,
    'content-type: application/json; charset=utf-8',
    `content-length: ${Buffer.byteLength(body)}`,
    `x-should-retry: ${String(mapped.retryable)}`,
    'connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy());
}
