import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { ChangeFeed } from '../live/change-feed.ts';
import type { RunCatalog } from '../sources/run-catalog.ts';
import { apiRoutes } from './api-routes.ts';
import { eventRoute } from './event-route.ts';
import { loadAssets, type Asset } from './static-assets.ts';
import type { ViewGuard } from './view-guard.ts';

/**
 * The log view as one Fastify plugin, mounted at `prefix` by both hosts: `rollcall view` and
 * `train --with-logview` (view/view-server.ts) and the proxy (`/view`, behind its admin token).
 * It serves the page (`/`), its files (`/static/…`), the JSON API (`/api/…`) and the event stream,
 * all behind `guard`, and answers errors as the rest of rollcall does (OpenAI's error body with a
 * registry code), or as a short HTML page to a browser opening the page.
 */

export type ViewPluginOptions = {
  catalog: RunCatalog;
  guard: ViewGuard;
  /** Where the plugin is mounted, e.g. '/view'. */
  prefix: string;
  /** How often watched runs are looked at while a page listens (default 1000 ms). */
  pollMs?: number;
  /** Where failures of the live feed go (a logger's warn). */
  onError: (error: unknown) => void;
};

const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, body: Buffer = asset.body): FastifyReply {
  if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
  return reply.headers(SECURITY_HEADERS).header('content-type', asset.type).header('cache-control', 'no-cache').header('etag', asset.etag).send(body);
}

function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const mapped =
    error instanceof RollcallError
      ? error
      : (error as FastifyError).statusCode === 400
        ? new RollcallError('RC_ERR_REQUEST_VALIDATION', { path: 'request', detail: error.message }, { cause: error })
        : new RollcallError('RC_ERR_SERVER_INTERNAL', { detail: error.message }, { cause: error });
  if (mapped.status >= 500) request.log.error({ err: error, code: mapped.code }, 'log view request failed');
  if ((request.headers.accept ?? '').includes('text/html')) {
    void reply.code(mapped.status).headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(`<!doctype html><meta charset="utf-8"><title>rollcall log view</title><p>${escapeHtml(mapped.message)}</p><p><code>${mapped.code}</code></p>`);
    return;
  }
  void reply.code(mapped.status).header('x-should-retry', String(mapped.retryable)).send(mapped.toBody());
}

/** The page files, or a page saying they are missing: a host (the proxy) starts either way. */
function pageFiles(): Map<string, Asset> {
  try {
    return loadAssets();
  } catch (error) {
    const body = Buffer.from(`<!doctype html><meta charset="utf-8"><base href="/"><title>rollcall log view</title><p>${escapeHtml((error as Error).message)}</p>`);
    return new Map([['index.html', { body, type: 'text/html; charset=utf-8', etag: '"missing"' }]]);
  }
}

export function viewPlugin(options: ViewPluginOptions) {
  const assets = pageFiles();
  const index = assets.get('index.html') as Asset;
  const page = Buffer.from(index.body.toString('utf8').replace('<base href="/">', `<base href="${escapeHtml(options.prefix.replace(/\/*$/, '/'))}">`));
  const feed = new ChangeFeed(options.catalog, options.pollMs ?? 1000, options.onError);
  const events = eventRoute(options.catalog, feed);

  async function register(app: FastifyInstance): Promise<void> {
    app.addHook('onRequest', options.guard);
    app.setErrorHandler(handleError);
    app.get('/', async (request, reply) => {
      // Relative links and the hash routes need the page at `<prefix>/`, not `<prefix>`.
      const url = new URL(request.url, 'http://view');
      if (!url.pathname.endsWith('/')) return reply.redirect(`${url.pathname}/${url.search}`, 308);
      return sendAsset(request, reply, index, page);
    });
    app.get<{ Params: { '*': string } }>('/static/*', async (request, reply) => {
      const asset = assets.get(request.params['*']);
      if (asset === undefined) throw new RollcallError('RC_ERR_VIEW_NOT_FOUND', { what: 'file', id: request.params['*'], run: 'the log view' });
      return sendAsset(request, reply, asset);
    });
    await app.register(apiRoutes(options.catalog));
    await app.register(events.register);
    app.addHook('preClose', async () => events.closeStreams());
  }
  return { register, closeStreams: events.closeStreams };
}
