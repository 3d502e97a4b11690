import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { startFakeEngine } from '../../../fake-engine/server.ts';
import { EngineReadiness } from '../../../../proxy/engine/engine-readiness.ts';
import { pendingEngine } from '../../../../proxy/engine/resolve-engine.ts';
import { EnginePool } from '../../../../proxy/upstream/engine-pool.ts';
import { ReplicaSet } from '../../../../proxy/upstream/replica-set.ts';
import { EngineConfigSchema } from '../../../../src/config/proxy-config.ts';
import { RollcallError } from '../../../../src/errors/rollcall-error.ts';
import { createLogger } from '../../../../src/logging/logger.ts';

/** An old vLLM (0.9): chat answers carry no token ids; `healthStatus` is what `/health` answers. */
let server: Server;
let url: string;
let healthStatus = 200;
before(async () => {
  server = createServer((req, res) => {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    req.resume();
    req.on('end', () => {
      if (req.url === '/health') return void res.writeHead(healthStatus).end();
      if (req.url === '/version') return json(200, { version: '0.9.0' });
      if (req.url === '/v1/models') return json(200, { object: 'list', data: [{ id: 'old-model', max_model_len: 4096 }] });
      if (req.url === '/v1/chat/completions') return json(200, { choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'length' }], usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } });
      json(404, { detail: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function readinessFor(upstream: string, mode: 'auto' | 'chat' | 'token') {
  const config = EngineConfigSchema.parse({ upstreams: [upstream], mode, healthCheckIntervalMs: 2500 });
  const pool = new EnginePool(config);
  const replicas = new ReplicaSet(pool, createLogger({ level: 'silent' }));
  const readiness = new EngineReadiness({ name: 'policy', config, pool, replicas, logger: createLogger({ level: 'silent' }) }, pendingEngine(config));
  return { readiness, replicas, close: () => pool.close() };
}

const rejects = (run: () => unknown, code: string) =>
  assert.throws(run, (error: unknown) => error instanceof RollcallError && error.code === code);

test('until a replica has been detected, calls get a retryable 503 with Retry-After, and /ready says why', async () => {
  const { readiness, close } = readinessFor(url, 'chat');
  try {
    assert.throws(() => readiness.strategy(), (error: unknown) => {
      assert.ok(error instanceof RollcallError, String(error));
      assert.equal(error.code, 'RC_ERR_ENGINE_NOT_READY');
      assert.equal(error.status, 503);
      assert.equal(error.retryable, true);
      assert.deepEqual(error.headers, { 'retry-after': '3' });
      return true;
    });
    const view = readiness.view();
    assert.equal(view.ready, false);
    assert.match(view.missing ?? '', /capabilities are unknown/);
    assert.deepEqual(view.replicas, [{ origin: url, healthy: null }]);
  } finally {
    await close();
  }
});

test('a passed health check detects the engine; its strategy is fixed from then on', async () => {
  const engine = await startFakeEngine({ maxModelLen: 2048 });
  const { readiness, replicas, close } = readinessFor(engine.url, 'auto');
  try {
    await replicas.checkAll(2000);
    while (readiness.view().missing !== null) await new Promise((resolve) => setTimeout(resolve, 10));
    const strategy = readiness.strategy();
    assert.equal(strategy.mode, 'token');
    await replicas.checkAll(2000);
    assert.equal(readiness.strategy(), strategy, 'chosen once');
    assert.deepEqual(readiness.view(), { ready: true, mode: 'token', maxModelLen: 2048, version: '0.33.0', replicas: [{ origin: engine.url, healthy: true }], missing: null });
  } finally {
    await close();
    await engine.close();
  }
});

test('an engine that cannot serve the mode is refused with what it lacks, and probed again only when a replica comes back', async () => {
  const { readiness, replicas, close } = readinessFor(url, 'chat');
  const detections: string[] = [];
  const detect = readiness.detect.bind(readiness);
  readiness.detect = (origin) => {
    detections.push(origin);
    return detect(origin);
  };
  try {
    await readiness.detect(url);
    rejects(() => readiness.strategy(), 'RC_ERR_ENGINE_CAPABILITY');
    assert.match(readiness.view().missing ?? '', /\(0\.9\.0\) cannot serve this configuration: chat capture needs token ids/);
    await replicas.checkAll(2000);
    assert.equal(detections.length, 1, 'a routine passed check does not probe a refused engine again');
    healthStatus = 503;
    await replicas.checkAll(2000);
    assert.deepEqual(readiness.view().replicas, [{ origin: url, healthy: false }]);
    healthStatus = 200;
    await replicas.checkAll(2000);
    assert.equal(detections.length, 2, 'a replica back in rotation (a restart) is probed again');
    rejects(() => readiness.strategy(), 'RC_ERR_ENGINE_CAPABILITY');
  } finally {
    healthStatus = 200;
    await close();
  }
});

test('token ids must be below the vocabulary size detection found, else below int32', async () => {
  const config = EngineConfigSchema.parse({ upstreams: [url], mode: 'chat' });
  const pool = new EnginePool(config);
  const replicas = new ReplicaSet(pool, createLogger({ level: 'silent' }));
  const deps = { name: 'policy', config, pool, replicas, logger: createLogger({ level: 'silent' }) };
  const capabilities = { version: 'b1', models: ['m'], maxModelLen: 4096, chatTokenIds: true, tokenMode: false };
  try {
    const told = new EngineReadiness(deps, { driver: pendingEngine(config).driver, mode: 'chat', capabilities: { ...capabilities, vocabSize: 151936 } });
    assert.equal(told.idBound(), 151936);
    const silent = new EngineReadiness(deps, { driver: pendingEngine(config).driver, mode: 'chat', capabilities });
    assert.equal(silent.idBound(), 2 ** 31);
    assert.equal(new EngineReadiness(deps, pendingEngine(config)).idBound(), 2 ** 31);
  } finally {
    replicas.stop();
    await pool.close();
  }
});
