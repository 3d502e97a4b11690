import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { buildApp } from '../proxy/app.ts';
import { resolveEnginesAtStart } from '../proxy/engine/resolve-engine.ts';
import { ProxyConfigSchema } from '../src/config/proxy-config.ts';
import { createLogger } from '../src/logging/logger.ts';
import { openStore } from '../src/store/store.ts';
import { externalProxyUrls } from '../trainer/config/proxy-section.ts';
import type { TrainerConfig } from '../trainer/config/trainer-config.ts';
import type { RunLog } from '../trainer/run/run-log.ts';

export type ProxyHandle = { rootUrls: string[]; adminToken: string; engineModel: string | null; close(): Promise<void> };

/**
 * The proxies the trainer talks to: one embedded in this process by default (its database in the
 * run folder, its log lines in the run log, where repeated failures are grouped), or those
 * already running at `proxy.url` or `proxy.urls` (one admin token for all).
 */
export async function startProxyForTraining(section: TrainerConfig['proxy'], databaseFile: string, runLog: RunLog): Promise<ProxyHandle> {
  const external = externalProxyUrls(section);
  if (external.length > 0) {
    const adminToken = section.adminToken ?? process.env.ROLLCALL_ADMIN_TOKEN;
    if (adminToken === undefined) throw new Error(`${section.urls === undefined ? 'proxy.url' : 'proxy.urls'} is set: give proxy.adminToken or ROLLCALL_ADMIN_TOKEN for its admin API`);
    return { rootUrls: external, adminToken, engineModel: null, close: async () => {} };
  }
  const { url: _url, urls: _urls, ...embedded } = section;
  const config = ProxyConfigSchema.parse({ ...embedded, dbPath: section.dbPath ?? databaseFile });
  const engines = await resolveEnginesAtStart(config);
  const store = openStore(config.dbPath);
  // pino writes one JSON line per write; split anyway, so grouping never sees half a line.
  let pending = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line !== '') runLog.proxyLine(line);
      callback();
    },
  });
  const adminToken = randomBytes(32).toString('base64url');
  const { app } = buildApp({ config, store, logger: createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, destination }), adminToken, engines });
  const address = await app.listen({ host: config.host, port: config.port, backlog: config.listenBacklog });
  return {
    rootUrls: [address],
    adminToken,
    engineModel: engines.policy?.capabilities?.models[0] ?? null,
    close: async () => {
      await app.close();
      store.close();
    },
  };
}
