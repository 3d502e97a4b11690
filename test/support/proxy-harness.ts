import { Writable } from 'node:stream';
import { after, before } from 'node:test';
import { startFakeEngine, type FakeEngine, type FakeEngineOptions } from '../fake-engine/server.ts';
import { buildApp, type AppDeps, type ProxyApp } from '../../proxy/app.ts';
import { resolveEnginesAtStart } from '../../proxy/engine/resolve-engine.ts';
import { ProxyConfigSchema, type ProxyConfig } from '../../src/config/proxy-config.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import type { CreateRolloutBody, CreatedRollout } from '../../src/wire/admin.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export type Harness = ProxyApp & {
  url: string;
  store: Store;
  logs: string[];
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  createRollout(body?: CreateRolloutBody): Promise<CreatedRollout>;
  close(): Promise<void>;
};

/** What a test may inject into the app besides its configuration (a clock). */
export type HarnessDeps = Pick<AppDeps, 'now'>;

/** A proxy listening on a loopback port (a random one unless `overrides.port`), in front of the given engine origins (chat mode unless told). */
export async function startProxy(
  upstreams: string[],
  overrides: Partial<ProxyConfig> & Record<string, unknown> = {},
  store: Store = openStore(':memory:'),
  deps: HarnessDeps = {},
): Promise<Harness> {
  const config = ProxyConfigSchema.parse({ port: 0, dbPath: ':memory:', ...overrides, engine: { upstreams, mode: 'chat', ...(overrides.engine ?? {}) } });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString());
      callback();
    },
  });
  const logger = createLogger({ level: 'warn', destination });
  const engine = await resolveEnginesAtStart(config);
  const proxy = buildApp({ config, store, logger, adminToken: ADMIN_TOKEN, engines: engine, ...deps });
  const url = await proxy.app.listen({ host: '127.0.0.1', port: config.port });
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : JSON.parse(text) };
  };
  return {
    ...proxy,
    url,
    store,
    logs,
    admin,
    async createRollout(body: CreateRolloutBody = {}) {
      const response = await admin('POST', '/admin/rollouts', body);
      if (response.status !== 201) throw new Error(`create rollout failed: ${JSON.stringify(response.body)}`);
      return response.body as CreatedRollout;
    },
    async close() {
      await proxy.app.close();
      store.close();
    },
  };
}

export type EngineAndProxy = { engine: FakeEngine; proxy: Harness };

/**
 * Registers hooks that start a fake engine (scripted by `script`) and a proxy in front of it
 * before the file's tests, and close both after them.
 */
export function withEngineAndProxy(
  options: { engine?: FakeEngineOptions; proxy?: Partial<ProxyConfig> & Record<string, unknown>; script?: (engine: FakeEngine) => void; deps?: HarnessDeps } = {},
): EngineAndProxy {
  const env = {} as EngineAndProxy;
  before(async () => {
    env.engine = await startFakeEngine(options.engine);
    options.script?.(env.engine);
    env.proxy = await startProxy([env.engine.url], options.proxy, undefined, options.deps);
  });
  after(async () => {
    await env.proxy?.close();
    await env.engine?.close();
  });
  return env;
}
