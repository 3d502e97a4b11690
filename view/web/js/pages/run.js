// @ts-check
import { get, runPath } from '../api.js';
import { lineChart } from '../chart.js';
import { fill, h, link } from '../dom.js';
import { num, pct } from '../format.js';
import { routeHash } from '../routes.js';

/**
 * Run: its metrics over steps as charts, grouped the way one reads a run (reward and success
 * first, then tool discipline, length and madness, forks and drift, the learner, throughput),
 * its steps (each opens the Step page), and its resolved config. New metrics lines arrive with
 * change events and are drawn at once.
 *
 * @typedef {import('../../../api/view-wire.ts').RunDetail} RunDetail
 * @typedef {import('../../../api/view-wire.ts').StepSummary} StepSummary
 * @typedef {import('../../../api/view-wire.ts').MetricsRow} MetricsRow
 * @typedef {import('../app.js').Page} Page
 * @typedef {import('../app.js').Route} Route
 */

/** @type {[string, (name: string) => boolean][]} */
const SECTIONS = [
  ['Reward and success', (m) => /^(reward\/|success_rate$|val\/pass@|val\/reward\/mean$)/.test(m)],
  ['Tool discipline', (m) => /^(tool\/|tool_call_rate|malformed_tool_call_rate)/.test(m)],
  ['Response length and madness', (m) => /^(response_length|turns\/|truncated_turn_rate|madness_rate)/.test(m)],
  ['Forks, merges and drift', (m) => m.startsWith('samples/')],
  ['Learner', (m) => /^(learner\/|policy\/|batch\/)/.test(m)],
  ['Advantages', (m) => m.startsWith('adv/')],
  ['Throughput and rollouts', (m) => /^(time\/|throughput\/|rollouts\/|oversample)/.test(m)],
  ['Judge', (m) => m.startsWith('judge/')],
  ['Held-out rollouts in detail', (m) => m.startsWith('val/')],
  ['Other', () => true],
];

const COLLAPSED = new Set(['Judge', 'Held-out rollouts in detail', 'Other']);

/** @param {MetricsRow[]} rows @param {(step: number) => void} onPoint */
function charts(rows, onPoint) {
  const names = [...new Set(rows.flatMap((row) => Object.keys(row.values)))];
  /** @type {Map<string, string[]>} */
  const bySection = new Map(SECTIONS.map(([title]) => [title, []]));
  for (const name of names) {
    const section = SECTIONS.find(([, test]) => test(name));
    bySection.get(section?.[0] ?? 'Other')?.push(name);
  }
  return [...bySection.entries()].filter(([, metrics]) => metrics.length > 0).map(([title, metrics]) =>
    h('details', { class: 'section', open: title !== 'Other' && title !== 'Judge' },
      h('summary', null, `${title} (${metrics.length})`),
      h('div', { class: 'charts' }, ...metrics.map((metric) => lineChart({
        title: metric,
        metric,
        series: [{ name: '', points: /** @type {[number, number][]} */ (rows.flatMap((row) => (typeof row.values[metric] === 'number' ? [[row.step, row.values[metric]]] : []))) }],
        onPoint,
      }))),
    ));
}

/** @param {string} runId @param {StepSummary[]} steps */
function stepTable(runId, steps) {
  if (steps.length === 0) return h('p', { class: 'muted' }, 'No rollouts yet.');
  return h('table', { class: 'grid steps' },
    h('thead', null, h('tr', null, ...['step', 'rollouts', 'finished', 'failed', 'open', 'reward', 'success', 'held-out rollouts', 'held-out success', 'trained samples'].map((t) => h('th', null, t)))),
    h('tbody', null, ...steps.map((s) => h('tr', { 'data-step': s.step ?? 'none' },
      h('td', null, link(routeHash.step(runId, s.step), s.step === null ? 'no step' : `step ${s.step}`)),
      h('td', { class: 'num' }, s.train.rollouts),
      h('td', { class: 'num' }, s.train.finished),
      h('td', { class: `num${s.train.failed > 0 ? ' bad' : ''}` }, s.train.failed),
      h('td', { class: 'num' }, s.train.open),
      h('td', { class: 'num' }, num(s.train.rewardMean)),
      h('td', { class: 'num' }, pct(s.train.successRate)),
      h('td', { class: 'num' }, s.validation.rollouts || '–'),
      h('td', { class: 'num' }, s.validation.rollouts > 0 ? pct(s.validation.successRate) : '–'),
      h('td', { class: 'num' }, s.batchSamples ?? '–'),
    ))),
  );
}

/** @param {Route} route @returns {Promise<Page>} */
export async function runPage(route) {
  const runId = /** @type {string} */ (route.runId);
  const [detail, steps] = await Promise.all([/** @type {Promise<RunDetail>} */ (get(runPath(runId))), /** @type {Promise<StepSummary[]>} */ (get(`${runPath(runId)}/steps`))]);
  /** @type {Map<number, MetricsRow>} */
  const rows = new Map(detail.metrics.map((row) => [row.step, row]));
  const onPoint = (/** @type {number} */ step) => (location.hash = routeHash.step(runId, step));
  const chartBox = h('div', { id: 'run-charts' }, ...charts(detail.metrics, onPoint));
  const stepBox = h('div', { id: 'run-steps' }, stepTable(runId, steps));
  const options = Object.entries(detail.sampleOptions).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const el = h('section', { class: 'page run' },
    h('h1', null, `Run ${runId}`),
    h('p', { class: 'muted' }, detail.dir),
    h('dl', { class: 'facts' },
      h('dt', null, 'tokens shown as'), h('dd', { class: detail.decoder.kind === 'ids' ? 'warn' : '' }, detail.decoder.detail),
      h('dt', null, 'sample caps'), h('dd', null, options),
      detail.unreadableMetricsLines > 0 && h('dt', null, 'metrics.jsonl'),
      detail.unreadableMetricsLines > 0 && h('dd', { class: 'warn' }, `${detail.unreadableMetricsLines} line(s) could not be read (a crash cut one short?)`),
    ),
    h('h2', null, 'Metrics over steps'),
    detail.metrics.length === 0 ? h('p', { class: 'muted', id: 'no-metrics' }, 'No step has finished yet; charts appear when the first one does.') : null,
    chartBox,
    h('h2', null, 'Steps'),
    stepBox,
    h('details', { class: 'section' }, h('summary', null, 'Resolved config (config.yaml)'), h('pre', { class: 'config' }, detail.configText ?? 'no config.yaml in this run folder')),
  );
  return {
    el,
    metricsRevision: detail.metricsRevision,
    onChange: (event) => {
      for (const row of event.metrics) rows.set(row.step, row);
      if (event.metrics.length > 0) {
        el.querySelector('#no-metrics')?.remove();
        fill(chartBox, ...charts([...rows.values()].sort((a, b) => a.step - b.step), onPoint));
      }
      void get(`${runPath(runId)}/steps`).then((fresh) => fill(stepBox, stepTable(runId, /** @type {StepSummary[]} */ (fresh))), () => undefined);
    },
  };
}
