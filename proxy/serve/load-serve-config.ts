import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { deepFreeze } from '../../src/config/deep-freeze.ts';
import { ENGINE_KINDS, ProxyConfigSchema, type ProxyConfig } from '../../src/config/proxy-config.ts';

/** Environment variables `rollcall serve` reads, and the config key each one sets. */
export const SERVE_ENV = {
  ROLLCALL_ADMIN_TOKEN: 'adminToken',
  ROLLCALL_DB: 'dbPath',
  ROLLCALL_HOST: 'host',
  ROLLCALL_PORT: 'port',
  ROLLCALL_UPSTREAM: 'engine.upstreams',
  ROLLCALL_ENGINE: 'engine.kind',
  ROLLCALL_LOG_LEVEL: 'logLevel',
  ROLLCALL_SHUTDOWN_GRACE_MS: 'shutdownGraceMs',
  ROLLCALL_LISTEN_BACKLOG: 'listenBacklog',
} as const;

/** Variables whose value is a number. */
const NUMERIC_PATHS: readonly string[] = ['port', 'shutdownGraceMs', 'listenBacklog'];

export const SERVE_USAGE = `usage: rollcall serve [--upstream URL]... [--engine ${ENGINE_KINDS.join('|')}] [--mode auto|token|chat] [--host HOST] [--port PORT]
                     [--db PATH] [--admin-token-file PATH] [--shutdown-grace-ms MS] [--config FILE.yaml]`;

type Raw = Record<string, unknown> & { engine?: Record<string, unknown> };

function setPath(target: Raw, path: string, value: unknown): void {
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) target[head] = value;
  else target[head] = { ...(target[head] as Record<string, unknown> | undefined), [tail]: value };
}

/** Merge order: config file < environment < flags; parsed once and frozen. */
export async function loadServeConfig(argv: string[], env: NodeJS.ProcessEnv): Promise<ProxyConfig> {
  const { values } = parseArgs({
    args: argv,
    options: {
      upstream: { type: 'string', multiple: true },
      engine: { type: 'string' },
      mode: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      'admin-token-file': { type: 'string' },
      'shutdown-grace-ms': { type: 'string' },
      config: { type: 'string' },
    },
    strict: true,
  });
  // yaml is loaded only when a file is given: start-up time and memory matter for `serve`.
  const raw: Raw = values.config === undefined ? {} : (((await import('yaml')).parse(readFileSync(values.config, 'utf8')) ?? {}) as Raw);
  for (const [name, path] of Object.entries(SERVE_ENV)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (NUMERIC_PATHS.includes(path)) setPath(raw, path, Number(value));
    else if (path === 'engine.upstreams') setPath(raw, path, value.split(',').map((s) => s.trim()));
    else setPath(raw, path, value);
  }
  if (values.upstream !== undefined) setPath(raw, 'engine.upstreams', values.upstream);
  if (values.engine !== undefined) setPath(raw, 'engine.kind', values.engine);
  if (values.mode !== undefined) setPath(raw, 'engine.mode', values.mode);
  if (values.host !== undefined) raw.host = values.host;
  if (values.port !== undefined) raw.port = Number(values.port);
  if (values.db !== undefined) raw.dbPath = values.db;
  if (values['admin-token-file'] !== undefined) raw.adminTokenFile = values['admin-token-file'];
  if (values['shutdown-grace-ms'] !== undefined) raw.shutdownGraceMs = Number(values['shutdown-grace-ms']);
  const result = ProxyConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return deepFreeze(result.data);
}
