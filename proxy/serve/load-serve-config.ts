import { readFileSync } from 'node:fs';
import { parseCommandLine, type CommandSpec } from '../../src/config/command-line.ts';
import { deepFreeze } from '../../src/config/deep-freeze.ts';
import { ENGINE_KINDS, ProxyConfigSchema, type ProxyConfig } from '../../src/config/proxy-config.ts';

/** Environment variables `rollcall serve` reads, and the config key each one sets. */
export const SERVE_ENV = {
  ROLLCALL_ADMIN_TOKEN: 'adminToken',
  ROLLCALL_ADMIN_TOKEN_FILE: 'adminTokenFile',
  ROLLCALL_DB: 'dbPath',
  ROLLCALL_HOST: 'host',
  ROLLCALL_PORT: 'port',
  ROLLCALL_UPSTREAM: 'engine.upstreams',
  ROLLCALL_ENGINE: 'engine.kind',
  ROLLCALL_LOG_LEVEL: 'logLevel',
} as const;

export const SERVE_SPEC = {
  name: 'serve',
  summary: 'run the recording proxy in front of an inference engine',
  flags: {
    upstream: { type: 'string', value: 'URL', multiple: true, help: 'engine server URL without /v1 (repeat for replicas)' },
    engine: { type: 'string', value: ENGINE_KINDS.join('|'), help: 'the protocol the engine speaks (default vllm)' },
    mode: { type: 'string', value: 'auto|token|chat', help: 'token: prompts built from token ids; chat: pass-through (default auto)' },
    host: { type: 'string', value: 'HOST', help: 'address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)' },
    port: { type: 'string', value: 'PORT', help: 'port to listen on (default 8787; 0 picks a free one)' },
    db: { type: 'string', value: 'PATH', help: 'SQLite file for the recorded calls (default .rollcall/rollcall.db)' },
    'admin-token-file': { type: 'string', value: 'PATH', help: 'admin token file, read or generated (default .rollcall/admin-token)' },
    config: { type: 'string', value: 'FILE.yaml', help: 'any key of the proxy section of docs/config.md' },
  },
  notes: [`environment: ${Object.keys(SERVE_ENV).join(', ')}`, 'precedence: config file < environment < flags'],
} as const satisfies CommandSpec;

type Raw = Record<string, unknown> & { engine?: Record<string, unknown> };

function setPath(target: Raw, path: string, value: unknown): void {
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) target[head] = value;
  else target[head] = { ...(target[head] as Record<string, unknown> | undefined), [tail]: value };
}

/** Merge order: config file < environment < flags; parsed once and frozen. */
export async function loadServeConfig(argv: string[], env: NodeJS.ProcessEnv): Promise<ProxyConfig> {
  const parsed = parseCommandLine(SERVE_SPEC, argv);
  if (parsed.kind !== 'ok') throw new Error(parsed.kind === 'error' ? parsed.message : 'help asked for');
  const { values } = parsed;
  // yaml is loaded only when a file is given: start-up time and memory matter for `serve`.
  const raw: Raw = values.config === undefined ? {} : (((await import('yaml')).parse(readFileSync(values.config, 'utf8')) ?? {}) as Raw);
  for (const [name, path] of Object.entries(SERVE_ENV)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (path === 'port') setPath(raw, path, Number(value));
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
  const result = ProxyConfigSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return deepFreeze(result.data);
}
