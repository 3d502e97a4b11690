// @ts-check
import { listen } from './api.js';
import { fill, h, link } from './dom.js';
import { shortId } from './format.js';
import { routeHash } from './routes.js';
import { comparePage } from './pages/compare.js';
import { rolloutPage } from './pages/rollout.js';
import { runPage } from './pages/run.js';
import { runsPage } from './pages/runs.js';
import { stepPage } from './pages/step.js';
import { tokensPage } from './pages/tokens.js';

/**
 * The page's router: the address's hash names the page (`#/run/<id>/step/3?sort=reward`), so
 * back, forward, reload and a copied link all land on the same view. One event stream per shown
 * run keeps the page live: each change goes to the page, which updates in place.
 *
 * @typedef {import('../../api/view-wire.ts').ChangeEvent} ChangeEvent
 * @typedef {{ runId: string | null, params: Record<string, string>, query: URLSearchParams }} Route
 * @typedef {{ el: HTMLElement, onChange?: (event: ChangeEvent) => void, dispose?: () => void, metricsRevision?: number }} Page
 * @typedef {(route: Route) => Promise<Page>} PageMaker
 */

/** @type {[RegExp, string[], PageMaker][]} */
const ROUTES = [
  [/^\/?$/, [], runsPage],
  [/^\/run\/([^/]+)$/, ['run'], runPage],
  [/^\/run\/([^/]+)\/step\/([^/]+)$/, ['run', 'step'], stepPage],
  [/^\/run\/([^/]+)\/rollout\/([^/]+)$/, ['run', 'rollout'], rolloutPage],
  [/^\/run\/([^/]+)\/rollout\/([^/]+)\/tokens\/([^/]+)$/, ['run', 'rollout', 'sample'], tokensPage],
  [/^\/run\/([^/]+)\/compare\/([^/]+)\/([^/]+)$/, ['run', 'a', 'b'], comparePage],
];

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const top = /** @type {HTMLElement} */ (document.getElementById('top'));
const liveBadge = h('span', { class: 'live off', title: 'live updates' }, 'connecting');
/** @type {Page | null} */
let current = null;
/** @type {{ key: string, stop: () => void } | null} */
let stream = null;
let renderCount = 0;

/** @param {string} hash */
function parse(hash) {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  for (const [pattern, names, make] of ROUTES) {
    const match = pattern.exec(path);
    if (match === null) continue;
    /** @type {Record<string, string>} */
    const params = {};
    names.forEach((name, i) => (params[name] = decodeURIComponent(match[i + 1] ?? '')));
    return { make, route: { runId: params.run ?? null, params, query: new URLSearchParams(search) } };
  }
  return null;
}

/** @param {Route} route */
function breadcrumbs(route) {
  const crumbs = [link('#/', 'runs')];
  if (route.runId !== null) crumbs.push(link(routeHash.run(route.runId), route.runId));
  const { params } = route;
  if (params.step !== undefined && route.runId !== null) crumbs.push(link(routeHash.step(route.runId, params.step), `step ${params.step}`));
  if (params.rollout !== undefined && route.runId !== null) crumbs.push(link(routeHash.rollout(route.runId, params.rollout), `rollout ${shortId(params.rollout)}`));
  if (params.sample !== undefined) crumbs.push(h('span', null, `tokens of sample ${params.sample}`));
  if (params.a !== undefined) crumbs.push(h('span', null, 'compare'));
  return h('nav', { class: 'crumbs' }, ...crumbs.flatMap((c, i) => (i === 0 ? [c] : [h('span', { class: 'sep' }, '›'), c])));
}

/** @param {Route} route */
function connect(route) {
  const key = route.runId ?? '*';
  if (stream?.key === key) return;
  stream?.stop();
  const stop = listen({
    runId: route.runId,
    since: current?.metricsRevision ?? 0,
    onChange: (event) => current?.onChange?.(event),
    onState: (live) => {
      liveBadge.className = live ? 'live on' : 'live off';
      liveBadge.textContent = live ? 'live' : 'not connected';
      liveBadge.title = live ? 'the page updates as the run changes' : 'the view server does not answer; the page shows what it last got';
    },
  });
  stream = { key, stop };
}

async function render() {
  const parsed = parse(location.hash);
  const count = ++renderCount;
  if (parsed === null) {
    fill(main, h('p', { class: 'error' }, `No page at ${location.hash}. `, link('#/', 'Go to the runs.')));
    return;
  }
  fill(top, h('div', { class: 'brand' }, link('#/', 'rollcall'), ' log view'), breadcrumbs(parsed.route), liveBadge);
  try {
    const page = await parsed.make(parsed.route);
    if (count !== renderCount) return page.dispose?.();
    current?.dispose?.();
    current = page;
    fill(main, page.el);
    connect(parsed.route);
  } catch (error) {
    if (count !== renderCount) return;
    fill(main, h('p', { class: 'error' }, error instanceof Error ? error.message : String(error)));
  }
}

window.addEventListener('hashchange', () => void render());
void render();
