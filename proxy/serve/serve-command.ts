import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { readCommandLine, usageLine } from '../../src/config/command-line.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { openStore } from '../../src/store/store.ts';
import { buildApp } from '../app.ts';
import { resolveEnginesAtStart } from '../engine/resolve-engine.ts';
import { resolveAdminToken, type AdminTokenSource } from './admin-token.ts';
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

const say = (line: string) => process.stderr.write(`rollcall serve: ${line}\n`);

/**
 * `rollcall serve`: load config, build, listen. SIGTERM or SIGINT (also `docker stop`) drains:
 * no new requests, the ones in flight get `shutdownGraceMs` to finish, then the calls left end
 * with the shutdown error (http/shutdown-drain.ts); a second signal ends the grace period at
 * once. Then the server closes, then the store.
 */
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
  let admin: AdminTokenSource;
  let store;
  try {
    admin = resolveAdminToken(config.adminToken, config.adminTokenFile);
    if (config.dbPath !== ':memory:') mkdirSync(dirname(config.dbPath), { recursive: true });
    store = openStore(config.dbPath);
  } catch (error) {
    say(describeStartError(error));
    // A refused admin token is configuration (2); a path that cannot be written is the system's (1).
    process.exitCode = (error as { code?: string }).code === undefined ? 2 : 1;
    return;
  }
  if (admin.warning !== null) say(`warning: ${admin.warning}`);
  let engine;
  try {
    engine = await resolveEnginesAtStart(config);
  } catch (error) {
    process.stderr.write(`rollcall serve: ${(error as Error).message}\n`);
    store.close();
    process.exitCode = 1;
    return;
  }
  const { app, drain } = buildApp({ config, store, logger, adminToken: admin.token, engines: engine });
  // Handlers before the banner: whoever reads it may signal at once.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return drain.endGrace(`a second ${signal} ended the grace period`);
    stopping = true;
    const inFlight = drain.inFlight;
    logger.info({ signal, inFlight, graceMs: config.shutdownGraceMs }, 'shutting down');
    const drained = drain.drain(app.server, config.shutdownGraceMs);
    say(`${signal}: draining ${inFlight} requests in flight for up to ${config.shutdownGraceMs} ms (send ${signal} again to stop them now)`);
    const report = await drained;
    await app.close();
    store.close();
    say(`stopped: ${report.inFlight - report.cut} of ${report.inFlight} requests in flight finished, ${report.cut} ended by the shutdown`);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  let address;
  try {
    address = await app.listen({ host: config.host, port: config.port, backlog: config.listenBacklog });
  } catch (error) {
    process.stderr.write(`rollcall serve: ${describeStartError(error)}\n`);
    await app.close();
    store.close();
    process.exitCode = 1;
    return;
  }
  const baseUrl = config.publicBaseUrl ?? `${address}/v1`;
  for (const [name, resolved] of Object.entries(engine)) {
    if (resolved.warning !== undefined) say(`warning: engine ${name}: ${resolved.warning}`);
  }
  const policy = engine.policy;
  const state = policy?.mode ? `${policy.mode} mode${policy.capabilities?.version ? `, version ${policy.capabilities.version}` : ''}` : 'not detected yet: calls wait for its first passed health check, see GET /ready';
  process.stdout.write(
    `rollcall proxy ready\n  base URL:    ${baseUrl}\n  admin token: ${admin.where}\n  engine:      ${config.engine.kind} at ${config.engine.upstreams.join(', ')} (${state})\n  database:    ${config.dbPath}\n`,
  );
}
