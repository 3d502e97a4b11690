import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import { RollcallError } from '../src/errors/rollcall-error.ts';
import { folderCatalog, type RunCatalog } from './sources/run-catalog.ts';
import { viewGuard } from './http/view-guard.ts';
import { viewPlugin } from './http/view-plugin.ts';
import { tokenizerDecoder } from './tokens/tokenizer-decoder.ts';

/**
 * The log view's own server, for `rollcall view` and `rollcall train --with-logview`: the view
 * plugin at `/view` over the runs in a folder, read-only, behind a token of its own (random
 * unless given) that the printed address carries.
 */

export type ViewServerOptions = {
  /** A run folder, or a folder of runs (`runs/`, `runs/<project>/`). */
  path: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  token?: string | undefined;
  /** A model folder with tokenizer.json, used for every run instead of the one the run names. */
  tokenizerDir?: string | undefined;
  /** When `path` is one run folder: its trajectory database, if not the folder's own. */
  databaseFile?: string | undefined;
  pollMs?: number;
  onError?: (error: unknown) => void;
};

export type ViewServer = {
  /** The address to open: the page with its token. */
  url: string;
  catalog: RunCatalog;
  /** Sends open pages the last state of their runs, then stops. */
  close(): Promise<void>;
};

export const VIEW_PREFIX = '/view';

export async function startViewServer(options: ViewServerOptions): Promise<ViewServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const catalog = folderCatalog(options.path, { tokenizerDir: options.tokenizerDir, databaseFile: options.databaseFile });
  // A tokenizer folder that cannot be used fails here, before anything listens.
  if (options.tokenizerDir !== undefined) tokenizerDecoder(options.tokenizerDir);
  const app = Fastify({ forceCloseConnections: true });
  const onError = options.onError ?? (() => undefined);
  const view = viewPlugin({ catalog, guard: viewGuard(token, VIEW_PREFIX, 'RC_ERR_AUTH_VIEW_INVALID'), prefix: VIEW_PREFIX, pollMs: options.pollMs ?? 1000, onError });
  await app.register(view.register, { prefix: VIEW_PREFIX });
  app.get('/', async (_request, reply) => reply.redirect(`${VIEW_PREFIX}/`, 302));
  app.setNotFoundHandler((request, reply) => {
    const error = new RollcallError('RC_ERR_REQUEST_NOT_FOUND', { method: request.method, url: request.url.split('?')[0] });
    void reply.code(error.status).send(error.toBody());
  });
  let address: string;
  try {
    address = await app.listen({ host: options.host, port: options.port });
  } catch (error) {
    catalog.close();
    throw new RollcallError('RC_ERR_VIEW_PATH', { path: `${options.host}:${options.port}`, detail: `cannot listen there (${(error as Error).message})` }, { cause: error });
  }
  return {
    url: `${address}${VIEW_PREFIX}/?token=${token}`,
    catalog,
    close: async () => {
      await app.close();
      catalog.close();
    },
  };
}
