import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { LostAnswer } from '../pipeline/client-answer.ts';

/**
 * The client's connection, as a dialect's answer uses it: an abort signal for a client that goes
 * away, a whole JSON answer, or a stream of SSE events written with backpressure. A committed
 * answer that does not reach the client is reported through `lost`, so its record is marked.
 */
export type ClientConnection = {
  readonly signal: AbortSignal;
  sendJson(body: unknown, lost: LostAnswer): Promise<void>;
  /** A JSON answer already serialized (the engine's bytes, passed through untouched). */
  sendJsonText(text: string | Buffer, lost: LostAnswer): Promise<void>;
  openEvents(): EventChannel;
  /** Stop watching the connection (the call is over). */
  release(): void;
};

export type EventChannel = {
  /** Writes encoded events; false when the client is not reading fast enough. */
  write(text: string): boolean;
  drained(signal: AbortSignal): Promise<void>;
  /** Writes the last events and ends the response; `lost` runs when they do not reach the client. */
  end(text: string, lost: LostAnswer | null): void;
};

export function watchClient(reply: FastifyReply): ClientConnection {
  const abort = new AbortController();
  const res = reply.raw;
  const onClose = () => {
    if (!res.writableFinished) abort.abort();
  };
  const onError = () => abort.abort();
  res.on('close', onClose);
  res.on('error', onError);
  const sendJsonText = async (text: string | Buffer, lost: LostAnswer): Promise<void> => {
    if (abort.signal.aborted) return lost('the client disconnected before the answer was sent');
    res.once('close', () => {
      if (!res.writableFinished) lost('the answer did not reach the client');
    });
    await reply.code(200).header('content-type', 'application/json').send(text);
  };
  return {
    signal: abort.signal,
    sendJson: (body, lost) => sendJsonText(JSON.stringify(body), lost),
    sendJsonText,
    openEvents: () => openEvents(reply),
    release() {
      res.off('close', onClose);
      res.off('error', onError);
    },
  };
}

function openEvents(reply: FastifyReply): EventChannel {
  reply.hijack();
  const res: ServerResponse = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  return {
    write: (text) => (text === '' ? true : res.write(text)),
    drained(signal) {
      return new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          signal.removeEventListener('abort', done);
          resolve();
        };
        res.once('drain', done);
        signal.addEventListener('abort', done, { once: true });
      });
    },
    end(text, lost) {
      if (lost !== null) {
        res.once('close', () => {
          if (!res.writableFinished) lost('the end of the stream did not reach the client');
        });
      }
      res.end(text);
    },
  };
}
