import { dirname } from 'node:path';
import type { EngineConfig } from '../src/config/proxy-config.ts';
import { runFolderAt } from '../src/run/run-layout.ts';
import type { Store } from '../src/store/store.ts';
import { viewGuard } from './http/view-guard.ts';
import { viewPlugin } from './http/view-plugin.ts';
import { isRunFolder, singleRunCatalog } from './sources/run-catalog.ts';
import { RunSource } from './sources/run-source.ts';

/**
 * The log view of a live store (the proxy's own database), behind the admin token. When the
 * database sits in a run folder (the trainer's embedded proxy), the view also shows that run's
 * metrics, config and batches. Tokens are decoded with the engine the store records from.
 */
export function storeView(options: { store: Store; dbPath: string; engine: EngineConfig; adminToken: string; prefix: string; onError: (error: unknown) => void }) {
  const dir = options.dbPath === ':memory:' ? null : dirname(options.dbPath);
  const folder = dir !== null && isRunFolder(runFolderAt(dir)) ? runFolderAt(dir) : null;
  const source = new RunSource('proxy', folder, { store: options.store, engine: options.engine });
  return viewPlugin({
    catalog: singleRunCatalog(source, 'this proxy'),
    guard: viewGuard(options.adminToken, options.prefix, 'RC_ERR_AUTH_ADMIN_INVALID'),
    prefix: options.prefix,
    onError: options.onError,
  });
}
