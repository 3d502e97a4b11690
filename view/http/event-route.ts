import type { FastifyInstance } from 'fastify';
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { validate } from '../../src/wire/validate.ts';
import type { ChangeFeed } from '../live/change-feed.ts';
import type { RunCatalog } from '../sources/run-catalog.ts';

/**
 * `GET /api/events`: server-sent events, one `change` event (view/api/view-wire.ts ChangeEvent)
 * each time a watched run changes, and a comment every 15 s so proxies keep the connection. When
 * the view closes, `closeStreams` ends every stream after a last look, so an open page gets the
 * final state of a run before its server goes away.
 */

const EventsQuerySchema = z.strictObject({
  run: z.string().optional(),
  since: z.coerce.number().int().min(0).default(0),
});

const KEEP_ALIVE_MS = 15_000;

export function eventRoute(catalog: RunCatalog, feed: ChangeFeed) {
  const streams = new Set<ServerResponse>();
  async function register(app: FastifyInstance): Promise<void> {
    app.get('/api/events', async (request, reply) => {
      const query = validate(EventsQuerySchema, request.query, 'query');
      if (query.run !== undefined) catalog.get(query.run);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write('retry: 2000\n\n');
      streams.add(res);
      const unsubscribe = feed.subscribe({
        runId: query.run ?? null,
        metricsRevision: query.since,
        lastStamp: new Map(),
        send: (event) => res.write(`event: change\ndata: ${JSON.stringify(event)}\n\n`),
      });
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS).unref();
      res.once('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
        streams.delete(res);
      });
      void feed.flush();
    });
  }
  async function closeStreams(): Promise<void> {
    await feed.flush();
    for (const res of streams) res.end();
    feed.close();
  }
  return { register, closeStreams };
}
