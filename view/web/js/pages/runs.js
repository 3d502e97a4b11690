// @ts-check
import { get, runPath } from '../api.js';
import { lineChart } from '../chart.js';
import { fill, h, link } from '../dom.js';
import { ago, num, pct } from '../format.js';
import { routeHash } from '../routes.js';

/**
 * Runs: every run in the served folder, newest first, and the first few overlaid on one chart of
 * a chosen metric. A folder holding one run opens that run instead.
 *
 * @typedef {import('../../../api/view-wire.ts').RunSummary} RunSummary
 * @typedef {import('../../../api/view-wire.ts').RunDetail} RunDetail
 * @typedef {import('../app.js').Page} Page
 */

const OVERLAID_RUNS = 8;
const METRICS = ['reward/mean', 'success_rate', 'val/pass@1', 'response_length/mean', 'tool/disciplined_rate', 'madness_rate'];

/** @param {RunSummary[]} runs */
function table(runs) {
  return h('table', { class: 'grid' },
    h('thead', null, h('tr', null, ...['run', 'steps', 'reward', 'success', 'held-out', 'database', 'updated'].map((t) => h('th', null, t)))),
    h('tbody', null, ...runs.map((run) => h('tr', { 'data-run': run.id },
      h('td', null, link(routeHash.run(run.id), run.id)),
      h('td', { class: 'num' }, run.lastStep === null ? '–' : `${run.steps} (last ${run.lastStep})`),
      h('td', { class: 'num' }, num(run.last['reward/mean'])),
      h('td', { class: 'num' }, pct(run.last.success_rate)),
      h('td', { class: 'num' }, pct(run.last['val/pass@1'])),
      h('td', null, run.hasDatabase ? 'yes' : 'no'),
      h('td', null, ago(run.updatedAt)),
    ))),
  );
}

/** @param {RunDetail[]} details @param {string} metric */
function overlay(details, metric) {
  const series = details.map((d) => ({ name: d.id, points: /** @type {[number, number][]} */ (d.metrics.flatMap((row) => (typeof row.values[metric] === 'number' ? [[row.step, row.values[metric]]] : []))) }));
  return lineChart({ title: `${metric} by run`, metric, series });
}

/** @param {HTMLElement} el @param {RunSummary[]} runs @param {{ metric: string }} state the metric picked, kept across redraws */
async function draw(el, runs, state) {
  if (runs.length === 0) {
    fill(el, h('h1', null, 'Runs'), h('p', { class: 'muted' }, 'No run folder here yet. Runs appear as they start.'));
    return;
  }
  const details = await Promise.all(runs.slice(0, OVERLAID_RUNS).map((run) => /** @type {Promise<RunDetail>} */ (get(runPath(run.id)))));
  const chartBox = h('div', { class: 'charts' });
  const picker = h('select', {
    onchange: () => {
      state.metric = /** @type {HTMLSelectElement} */ (picker).value;
      fill(chartBox, overlay(details, state.metric));
    },
  }, ...METRICS.map((m) => h('option', { value: m, selected: m === state.metric }, m)));
  fill(chartBox, overlay(details, state.metric));
  fill(el, h('h1', null, `Runs (${runs.length})`), table(runs), h('h2', null, 'Side by side ', picker), chartBox);
}

/** @returns {Promise<Page>} */
export async function runsPage() {
  const runs = /** @type {RunSummary[]} */ (await get('runs'));
  // A folder of one run opens it, unless the address moved on while the list loaded.
  if (runs.length === 1 && runs[0] && /^#?\/?$/.test(location.hash)) {
    location.replace(routeHash.run(runs[0].id));
    return { el: h('p', { class: 'muted' }, 'Opening the run…') };
  }
  const el = h('section', { class: 'page runs' });
  const state = { metric: METRICS[0] ?? 'reward/mean' };
  await draw(el, runs, state);
  return { el, onChange: () => void get('runs').then((fresh) => draw(el, /** @type {RunSummary[]} */ (fresh), state), () => undefined) };
}
