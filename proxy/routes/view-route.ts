import type { FastifyInstance } from 'fastify';
import type { ProxyConfig } from '../../src/config/proxy-config.ts';
import type { Logger } from '../../src/logging/logger.ts';
import type { Store } from '../../src/store/store.ts';
import { storeView } from '../../view/store-view.ts';

export const VIEW_PREFIX = '/view';

/** The log view of this proxy's database at `/view`, behind the admin token (view/README.md). */
export function viewRoute(deps: { store: Store; config: ProxyConfig; adminToken: string; logger: Logger }) {
  const view = storeView({
    store: deps.store,
    dbPath: deps.config.dbPath,
    engine: deps.config.engine,
    adminToken: deps.adminToken,
    prefix: VIEW_PREFIX,
    onError: (error) => deps.logger.warn({ err: error }, 'log view live feed failed'),
  });
  return async function register(app: FastifyInstance): Promise<void> {
    await app.register(view.register, { prefix: VIEW_PREFIX });
  };
}
