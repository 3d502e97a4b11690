import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { readCommandLine, usageLine } from '../../src/config/command-line.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { openStore } from '../../src/store/store.ts';
import { buildApp } from '../app.ts';
import { resolveEnginesAtStart } from '../engine/resolve-engine.ts';
import { resolveAdminToken } from './admin-token.ts';
import { loadServeConfig, SERVE_SPEC } from './load-serve-config.ts';

/** A start-up failure of the file system as one line that says which path and what to do. */
function describeStartError(error: unknown): string {
  const { code, path } = error as { code?: string; path?: string };
  if ((code === 'EACCES' || code === 'EPERM' || code === 'EROFS') && path !== undefined) {
    return `cannot write ${path} (${code}): give --db and --admin-token-file (or ROLLCALL_DB, ROLLCALL_ADMIN_TOKEN_FILE) in a folder this user (uid ${process.getuid?.() ?? '?'}) can write`;
  }
  if (code === 'EADDRINUSE') return `${(error as Error).message}: another process listens there; give another --port (0 picks a free one)`;
  return (error as Error).message;
}

/** `rollcall serve`: load config, build, listen; SIGTERM closes the server, then the store. */
export async function serveCommand(argv: string[]): Promise<void> {
  if (readCommandLine(SERVE_SPEC, argv) === null) return;
  let config;
  try {
    config = await loadServeConfig(argv, process.env);
  } catch (error) {
    process.stderr.write(`rollcall serve: ${(error as Error).message}\n${usageLine(SERVE_SPEC)}\n`);
    process.exitCode = 2;
    return;
  }
  const logger = createLogger({ level: config.logLevel });
  let admin;
  let store;
  try {
    admin = resolveAdminToken(config.adminToken, config.adminTokenFile);
    if (config.dbPath !== ':memory:') mkdirSync(dirname(config.dbPath), { recursive: true });
    store = openStore(config.dbPath);
  } catch (error) {
    process.stderr.write(`rollcall serve: ${describeStartError(error)}\n`);
    process.exitCode = 1;
    return;
  }
  let engine;
  try {
    engine = await resolveEnginesAtStart(config);
  } catch (error) {
    process.stderr.write(`rollcall serve: ${(error as Error).message}\n`);
    store.close();
    process.exitCode = 1;
    return;
  }
  const { app } = buildApp({ config, store, logger, adminToken: admin.token, engines: engine });
  let address;
  try {
    address = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    process.stderr.write(`rollcall serve: ${describeStartError(error)}\n`);
    await app.close();
    store.close();
    process.exitCode = 1;
    return;
  }
  const baseUrl = config.publicBaseUrl ?? `${address}/v1`;
  for (const [name, resolved] of Object.entries(engine)) {
    if (resolved.warning !== undefined) process.stderr.write(`rollcall serve: warning: engine ${name}: ${resolved.warning}\n`);
  }
  const policy = engine.policy;
  const state = policy?.mode ? `${policy.mode} mode${policy.capabilities?.version ? `, version ${policy.capabilities.version}` : ''}` : 'not detected yet: calls wait for its first passed health check, see GET /ready';
  process.stdout.write(
    `rollcall proxy ready\n  base URL:    ${baseUrl}\n  admin token: ${admin.where}\n  engine:      ${config.engine.kind} at ${config.engine.upstreams.join(', ')} (${state})\n  database:    ${config.dbPath}\n`,
  );
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    store.close();
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}
