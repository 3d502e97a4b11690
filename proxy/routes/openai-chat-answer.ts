import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { encodeSseData, SSE_DONE } from '../../src/sse/sse-encoder.ts';
import type { ClientAnswer, ClientStream } from '../pipeline/client-answer.ts';
import type { ChatStreamEvent } from '../strategies/call-strategy.ts';
import { watchClient } from '../dialects/client-connection.ts';

/**
 * The OpenAI chat-completions edge: a whole answer as JSON (the engine's bytes untouched where
 * they are passed through), a stream as `data: <json>` SSE events ending with `data: [DONE]`.
 * A client that disconnects aborts the call; a committed answer that does not reach the client
 * is marked aborted in its record.
 */
export function openAiChatAnswer(reply: FastifyReply): ClientAnswer {
  const client = watchClient(reply);
  return {
    signal: client.signal,
    sendWhole: (answer, lost) => client.sendJsonText(answer.raw ?? JSON.stringify(answer.completion), lost),
    openStream: () => openSse(reply),
    release: () => client.release(),
  };
}

const encode = (item: ChatStreamEvent): string | Buffer => item.raw ?? encodeSseData(item.chunk);

function openSse(reply: FastifyReply): ClientStream {
  reply.hijack();
  const res: ServerResponse = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  return {
    write(items) {
      if (items.length === 0) return true;
      const parts = items.map(encode);
      return res.write(parts.length === 1 ? (parts[0] as string | Buffer) : Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))));
    },
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
    end({ broken, tail, done }, lost) {
      if (broken !== null) res.write(encodeSseData(broken.toBody()));
      else for (const item of tail) res.write(encode(item));
      if (lost !== null) {
        res.once('close', () => {
          if (!res.writableFinished) lost('the end of the stream did not reach the client');
        });
      }
      res.end(done ?? SSE_DONE);
    },
  };
}
