import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ProxyConfig } from '../../src/config/proxy-config.ts';
import type { Logger } from '../../src/logging/logger.ts';
import { runFolderAt } from '../../src/run/run-layout.ts';
import type { Store } from '../../src/store/store.ts';
import { isRunFolder, singleRunCatalog } from '../../view/runs/run-catalog.ts';
import { RunSource } from '../../view/runs/run-source.ts';
import { viewGuard } from '../../view/http/view-guard.ts';
import { viewPlugin } from '../../view/http/view-plugin.ts';

export const VIEW_PREFIX = '/view';

/**
 * The log view of this proxy's own database at `/view`, behind the admin token (DESIGN §6). When
 * the database sits in a run folder (the trainer's embedded proxy), the view also shows that
 * run's metrics, config and batches.
 */
export function viewRoute(deps: { store: Store; config: ProxyConfig; adminToken: string; logger: Logger }) {
  const dir = deps.config.dbPath === ':memory:' ? null : dirname(deps.config.dbPath);
  const folder = dir !== null && isRunFolder(runFolderAt(dir)) ? runFolderAt(dir) : null;
  const source = new RunSource('proxy', folder, { store: deps.store, engine: deps.config.engine });
  const view = viewPlugin({
    catalog: singleRunCatalog(source, 'this proxy'),
    guard: viewGuard(deps.adminToken, VIEW_PREFIX, 'RC_ERR_AUTH_ADMIN_INVALID'),
    prefix: VIEW_PREFIX,
    onError: (error) => deps.logger.warn({ err: error }, 'log view live feed failed'),
  });
  return async function register(app: FastifyInstance): Promise<void> {
    await app.register(view.register, { prefix: VIEW_PREFIX });
  };
}
