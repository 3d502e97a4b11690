/**
 * The proxy under test, in its own process so its RSS can be read and it never shares an event
 * loop with the load generator. Builds the real app from the sources (`buildApp`) with either
 * the real store ("capture on": every call is one committed SQLite row in a file database) or
 * the same store with the call writes removed ("capture off": same routes, same parsing and
 * capture extraction, no SQLite write), then prints one JSON line with its URL.
 *
 * `node --import tsx bench/proxy-child.ts --upstream URL --capture on|off [--db PATH]`
 */
import { parseArgs } from 'node:util';
import { ProxyConfigSchema } from '../src/config/proxy-config.ts';
import { createLogger } from '../src/logging/logger.ts';
import type { CallStore } from '../src/store/call-store.ts';
import { openStore, type Store } from '../src/store/store.ts';
import { buildApp } from '../proxy/app.ts';

export const BENCH_ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';

/**
 * The store with `calls.insert` and `calls.markAborted` turned into no-ops; every other method
 * (rollout rows, reads) is the real one, reached through the prototype chain at no extra cost.
 */
export function withoutCallCapture(store: Store): Store {
  const calls = Object.create(store.calls) as CallStore;
  Object.assign(calls, { insert: (): number => 0, markAborted: (): void => undefined });
  return { db: store.db, rollouts: store.rollouts, calls, close: () => store.close() };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      upstream: { type: 'string' },
      capture: { type: 'string', default: 'on' },
      db: { type: 'string', default: ':memory:' },
      port: { type: 'string', default: '0' },
    },
  });
  if (values.upstream === undefined) throw new Error('--upstream URL is required');
  const isCaptureOn = values.capture === 'on';
  const config = ProxyConfigSchema.parse({
    host: '127.0.0.1',
    port: Number(values.port),
    dbPath: values.db,
    logLevel: 'warn',
    engine: { upstreams: [values.upstream], connectionsPerUpstream: 4096 },
  });
  const logger = createLogger({ level: 'warn' });
  const opened = openStore(isCaptureOn ? config.dbPath : ':memory:');
  const store = isCaptureOn ? opened : withoutCallCapture(opened);
  const { app } = buildApp({ config, store, logger, adminToken: BENCH_ADMIN_TOKEN });
  const url = await app.listen({ host: config.host, port: config.port });
  process.stdout.write(`${JSON.stringify({ ready: true, url, pid: process.pid, capture: isCaptureOn ? 'on' : 'off' })}\n`);

  let closing = false;
  const shutdown = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await app.close();
    store.close();
    // Let --cpu-prof write its profile on a normal exit.
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

await main();
