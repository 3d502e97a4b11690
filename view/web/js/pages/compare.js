// @ts-check
import { get, runPath } from '../api.js';
import { h, link } from '../dom.js';
import { num } from '../format.js';
import { routeHash } from '../routes.js';
import { transcript } from '../transcript.js';

/**
 * Compare: two rollouts of one group side by side (from a group, its best and its worst), to see
 * where two attempts at the same task part ways.
 *
 * @typedef {import('../../../api/view-wire.ts').RolloutDetail} RolloutDetail
 * @typedef {import('../app.js').Page} Page
 * @typedef {import('../app.js').Route} Route
 */

/** @param {RolloutDetail} d */
function column(d) {
  const r = d.rollout;
  const judge = Object.entries(r.judge).filter(([k, v]) => !k.startsWith('madness/') || (v !== 0 && !k.startsWith('madness/original_')));
  return h('div', { class: 'compare-col', 'data-rollout': r.id },
    h('h2', null, link(routeHash.rollout(d.runId, r.id), `attempt #${r.attempt}`), ` · reward ${num(r.reward)}`),
    h('p', null, `${r.status}${r.isSuccess === null ? '' : r.isSuccess ? ' · success' : ' · no success'} · advantage ${d.advantage === null ? '–' : num(d.advantage, 4)} · ${d.calls.length} calls · ${d.calls.reduce((n, c) => n + c.completionTokens, 0)} completion tokens`),
    r.failure === null ? null : h('pre', { class: 'bad' }, r.failure),
    h('p', { class: 'muted' }, judge.map(([k, v]) => `${k} ${num(v)}`).join(' · ')),
    ...d.samples.map((s) => h('span', null, link(routeHash.tokens(d.runId, r.id, s.sampleId), `tokens of sample ${s.sampleId}`), ' ')),
    transcript(d.transcript),
  );
}

/** @param {Route} route @returns {Promise<Page>} */
export async function comparePage(route) {
  const runId = /** @type {string} */ (route.runId);
  const load = (/** @type {string} */ id) => /** @type {Promise<RolloutDetail>} */ (get(`${runPath(runId)}/rollouts/${encodeURIComponent(id)}`));
  const [a, b] = await Promise.all([load(route.params.a ?? ''), load(route.params.b ?? '')]);
  const sameGroup = a.rollout.groupId === b.rollout.groupId;
  const el = h('section', { class: 'page compare' },
    h('h1', null, `Compare: ${a.rollout.taskId ?? a.rollout.groupId ?? ''}`),
    sameGroup ? null : h('p', { class: 'warn' }, 'These rollouts are from different groups.'),
    h('div', { class: 'compare-cols' }, column(a), column(b)),
  );
  return { el };
}
