/**
 * A lean vLLM-shaped mock engine for the proxy bench. It answers `POST /v1/chat/completions`
 * from pre-serialized bytes and looks at nothing in the request but `"stream":true` (a substring
 * check, never a JSON parse), so it stays cheap however large the request is.
 *
 * It also answers what the proxy asks an engine outside calls: `GET /health` (replica health
 * checks), `GET /version` and `GET /v1/models` (capability detection at start). `POST /tokenize`
 * is absent on purpose, so the proxy's detection finds no token mode and uses the chat path.
 *
 * Knobs (flags at start, or `POST /_mock/profile` with a small JSON body between cells):
 * `size` S|M, `delayMs` fixed wait before the answer, `paceMs` gap between streamed token frames,
 * `firstGapMs` gap after a stream's first frame when unpaced (0: the next event-loop turn).
 * Run standalone: `node --import tsx bench/mock-engine.ts --port 18000 --size S`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BODY_SIZES, buildMockBodies, type BodySizeName, type MockBodies } from './mock-bodies.ts';

/** `firstGapMs`: wait between a stream's first frame and its tokens (a decode step) when unpaced. */
export type MockProfile = { size: BodySizeName; delayMs: number; paceMs: number; firstGapMs: number };

const STREAM_MARK = Buffer.from('"stream":true');
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' } as const;

export type MockEngine = { server: Server; url: string; profile: MockProfile; bodies: Record<BodySizeName, MockBodies> };

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function sendStream(res: ServerResponse, bodies: MockBodies, profile: MockProfile): Promise<void> {
  const { paceMs, firstGapMs } = profile;
  res.writeHead(200, SSE_HEADERS);
  res.write(bodies.firstFrame);
  if (paceMs <= 0) {
    // Prefill then decode: the first frame leaves alone, the tokens follow after a gap or on the next turn.
    await (firstGapMs > 0 ? wait(firstGapMs) : new Promise<void>((resolve) => setImmediate(resolve)));
    res.end(bodies.rest);
    return;
  }
  for (const frame of bodies.restFrames) {
    if (res.destroyed) return;
    await wait(paceMs);
    res.write(frame);
  }
  res.end();
}

async function handleChat(engine: MockEngine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const { size, delayMs } = engine.profile;
  const bodies = engine.bodies[size];
  if (delayMs > 0) await wait(delayMs);
  if (body.indexOf(STREAM_MARK) !== -1) return sendStream(res, bodies, engine.profile);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': bodies.unary.length });
  res.end(bodies.unary);
}

async function handleProfile(engine: MockEngine, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const update = JSON.parse((await readBody(req)).toString('utf8')) as Partial<MockProfile>;
  if (update.size !== undefined && !(update.size in BODY_SIZES)) throw new Error(`unknown size ${update.size}`);
  Object.assign(engine.profile, update);
  const bodies = engine.bodies[engine.profile.size];
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ ...engine.profile, unaryBytes: bodies.unary.length, streamBytes: bodies.firstFrame.length + bodies.rest.length }));
}

const INFO_ROUTES: Record<string, Buffer> = {
  '/health': Buffer.alloc(0),
  '/version': Buffer.from(JSON.stringify({ version: '0.11.0-bench-mock' })),
  '/v1/models': Buffer.from(JSON.stringify({ object: 'list', data: [{ id: 'mock-model', object: 'model', owned_by: 'vllm', max_model_len: 32768 }] })),
};

function handleInfo(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

/** Starts the mock on 127.0.0.1; `port` 0 picks a free one. */
export async function startMockEngine(port: number, profile: MockProfile): Promise<MockEngine> {
  const bodies = { S: buildMockBodies(BODY_SIZES.S), M: buildMockBodies(BODY_SIZES.M) };
  const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 });
  const engine: MockEngine = { server, url: '', profile: { ...profile }, bodies };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const info = req.method === 'GET' && req.url !== undefined ? INFO_ROUTES[req.url] : undefined;
    if (info !== undefined) return handleInfo(res, info);
    const route = req.method === 'POST' && req.url === '/v1/chat/completions' ? handleChat : req.url === '/_mock/profile' ? handleProfile : null;
    if (route === null) {
      res.writeHead(404).end();
      return;
    }
    route(engine, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  engine.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return engine;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      size: { type: 'string', default: 'S' },
      'delay-ms': { type: 'string', default: '0' },
      'pace-ms': { type: 'string', default: '0' },
      'first-gap-ms': { type: 'string', default: '0' },
    },
  });
  const size = values.size as BodySizeName;
  if (!(size in BODY_SIZES)) throw new Error(`--size must be one of ${Object.keys(BODY_SIZES).join(', ')}`);
  const engine = await startMockEngine(Number(values.port), {
    size,
    delayMs: Number(values['delay-ms']),
    paceMs: Number(values['pace-ms']),
    firstGapMs: Number(values['first-gap-ms']),
  });
  process.stdout.write(`${JSON.stringify({ ready: true, url: engine.url, pid: process.pid })}\n`);
  process.once('SIGTERM', () => {
    engine.server.closeAllConnections();
    engine.server.close(() => process.exit(0));
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolvePath(process.argv[1])) await main();
