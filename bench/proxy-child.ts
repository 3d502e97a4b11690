/**
 * The proxy under test, in its own process so its RSS can be read and it never shares an event
 * loop with the load generator. Builds the real app from the sources (`buildApp`) with either
 * the real store ("capture on": every call is one committed SQLite row in a file database) or
 * the same store with the call writes removed ("capture off": same routes, same parsing and
 * capture extraction, no SQLite write), then prints one JSON line with its URL.
 *
 * With `--profile-out FILE` the V8 CPU profiler (what `node --cpu-prof` uses) starts on SIGUSR2
 * and its profile is written at SIGTERM, so a profile covers the load alone, not start-up.
 *
 * `node --import tsx bench/proxy-child.ts --upstream URL --capture on|off [--db PATH] [--admin-token T] [--profile-out FILE]`
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { parseArgs } from 'node:util';
import { EngineConfigSchema, ProxyConfigSchema } from '../src/config/proxy-config.ts';
import { createLogger } from '../src/logging/logger.ts';
import type { CallStore } from '../src/store/call-store.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { buildApp } from '../proxy/app.ts';
import { resolveEnginesAtStart } from '../proxy/engine/resolve-engine.ts';

/**
 * The store with `calls.insert` and `calls.markAborted` turned into no-ops; every other method
 * (rollout rows, reads) is the real one, reached through the prototype chain at no extra cost.
 */
function withoutCallCapture(store: Store): Store {
  const calls = Object.create(store.calls) as CallStore;
  Object.assign(calls, { insert: (): number => 0, markAborted: (): void => undefined });
  return { db: store.db, rollouts: store.rollouts, calls, close: () => store.close() };
}

/** A CPU profile window: `start` on SIGUSR2, `stop` writes the .cpuprofile JSON. */
function profiler(file: string): { start: () => void; stop: () => Promise<void> } {
  const session = new Session();
  session.connect();
  let isRunning = false;
  return {
    start: () => {
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 200 }, () =>
          session.post('Profiler.start', () => {
            isRunning = true;
          }),
        ),
      );
    },
    stop: () =>
      new Promise((resolve, reject) => {
        if (!isRunning) return resolve();
        session.post('Profiler.stop', (error, result) => {
          if (error !== null) return reject(error);
          writeFileSync(file, JSON.stringify(result.profile));
          resolve();
        });
      }),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      upstream: { type: 'string' },
      capture: { type: 'string', default: 'on' },
      db: { type: 'string', default: ':memory:' },
      port: { type: 'string', default: '0' },
      'profile-out': { type: 'string' },
      'admin-token': { type: 'string', default: 'bench-admin-token-0123456789abcdef' },
    },
  });
  if (values.upstream === undefined) throw new Error('--upstream URL is required');
  const isCaptureOn = values.capture === 'on';
  const engine: Record<string, unknown> = { upstreams: [values.upstream], connectionsPerUpstream: 4096 };
  // This bench measures the chat pass-through path; a token mode (where the proxy has one) needs an
  // engine that tokenizes, which the mock is not. Set only where the schema knows the key.
  if ('mode' in EngineConfigSchema.shape) engine.mode = 'chat';
  const config = ProxyConfigSchema.parse({
    host: '127.0.0.1',
    port: Number(values.port),
    dbPath: values.db,
    logLevel: 'warn',
    engine,
  });
  const logger = createLogger({ level: 'warn' });
  const opened = openStore(isCaptureOn ? config.dbPath : ':memory:');
  const store = isCaptureOn ? opened : withoutCallCapture(opened);
  // Detected at start, as `rollcall serve` does: an undetected engine answers 503 until its first health check.
  const engines = await resolveEnginesAtStart(config);
  const { app } = buildApp({ config, store, logger, adminToken: values['admin-token'], engines });
  const url = await app.listen({ host: config.host, port: config.port });
  process.stdout.write(`${JSON.stringify({ ready: true, url, pid: process.pid, capture: isCaptureOn ? 'on' : 'off' })}\n`);

  const profile = values['profile-out'] === undefined ? null : profiler(values['profile-out']);
  if (profile !== null) process.on('SIGUSR2', () => profile.start());
  let closing = false;
  const shutdown = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await profile?.stop();
    await app.close();
    store.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

await main();
