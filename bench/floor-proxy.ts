/**
 * Reference floor for the throughput cells: the thinnest Node hop that can sit where the proxy
 * sits: node:http in, one undici Pool out, request and response
 * bytes piped through untouched, nothing parsed, validated or recorded. What it reaches on the
 * same rig shows how much of the gap to direct any Node proxy pays before doing real work.
 *
 * `node --import tsx bench/floor-proxy.ts --upstream URL` prints `{"ready":true,"url":...}`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

async function forward(pool: Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const upstream = await pool.request({
    method: 'POST',
    path: req.url ?? '/',
    headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
    body: req,
  });
  const type = upstream.headers['content-type'];
  res.writeHead(upstream.statusCode, typeof type === 'string' ? { 'content-type': type } : {});
  await pipeline(upstream.body, res);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { upstream: { type: 'string' }, port: { type: 'string', default: '0' } } });
  if (values.upstream === undefined) throw new Error('--upstream URL is required');
  // Unlimited in practice: a pool capped below the clients in flight queues them until they time out.
  const pool = new Pool(values.upstream, { connections: 4096, keepAliveTimeout: 30_000 });
  const server = createServer({ keepAliveTimeout: 75_000 }, (req, res) => {
    forward(pool, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(Number(values.port), '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`${JSON.stringify({ ready: true, url, pid: process.pid })}\n`);
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => void pool.close().then(() => process.exit(0)));
  });
}

await main();
