// @ts-check
import { get, runPath } from '../api.js';
import { fill, h, link } from '../dom.js';
import { duration, num, shortId } from '../format.js';
import { routeHash } from '../routes.js';

/**
 * Step: a step's rollouts by task group — reward, advantage, success, status, failure reason,
 * flags — sorted and filtered on the server (a step may hold thousands) and shown a page at a
 * time. The filter lives in the address, so a filtered view can be shared and goes back and
 * forward. Each group offers its best and worst rollout side by side.
 *
 * @typedef {import('../../../api/view-wire.ts').StepPage} StepPage
 * @typedef {import('../../../api/view-wire.ts').RolloutRow} RolloutRow
 * @typedef {import('../../../api/view-wire.ts').GroupSummary} GroupSummary
 * @typedef {import('../app.js').Page} Page
 * @typedef {import('../app.js').Route} Route
 */

const FLAGS = ['failed-call', 'untrainable-call', 'truncated-turn', 'malformed-tool-call', 'rendered-from-scratch', 'mad', 'not-trained'];
const SORTS = ['group', 'reward', 'advantage', 'status', 'task', 'calls', 'tokens', 'latency'];
const STATUSES = ['open', 'finished', 'failed', 'cancelled', 'expired'];
const FILTER_KEYS = ['status', 'split', 'task', 'flag', 'q', 'minReward', 'maxReward', 'sort', 'order', 'offset'];
const PAGE_SIZE = 100;

/**
 * @param {string} name @param {string} value @param {string[]} choices @param {string} anyLabel
 */
function select(name, value, choices, anyLabel) {
  return h('select', { name }, anyLabel === '' ? null : h('option', { value: '' }, anyLabel), ...choices.map((c) => h('option', { value: c, selected: c === value }, c)));
}

/** @param {URLSearchParams} query @param {(query: Record<string, string>) => void} apply @param {StepPage | null} page */
function filterForm(query, apply, page) {
  const q = (/** @type {string} */ key) => query.get(key) ?? '';
  const flagLabel = (/** @type {string} */ flag) => `${flag} (${page?.flagCounts[/** @type {keyof StepPage['flagCounts']} */ (flag)] ?? 0})`;
  const form = h('form', { class: 'filters', id: 'step-filters' },
    h('label', null, 'search ', h('input', { name: 'q', type: 'search', value: q('q'), placeholder: 'text in calls, task, failure' })),
    h('label', null, 'task ', h('input', { name: 'task', value: q('task'), size: 14 })),
    h('label', null, 'status ', select('status', q('status'), STATUSES, 'any')),
    h('label', null, 'split ', select('split', q('split'), ['train', 'validation'], 'any')),
    h('label', null, 'flag ', h('select', { name: 'flag' }, h('option', { value: '' }, 'any'), ...FLAGS.map((f) => h('option', { value: f, selected: f === q('flag') }, flagLabel(f))))),
    h('label', null, 'reward ', h('input', { name: 'minReward', type: 'number', step: 'any', value: q('minReward'), size: 5, placeholder: 'min' }), ' – ', h('input', { name: 'maxReward', type: 'number', step: 'any', value: q('maxReward'), size: 5, placeholder: 'max' })),
    h('label', null, 'sort ', select('sort', q('sort') || 'group', SORTS, ''), select('order', q('order') || 'asc', ['asc', 'desc'], '')),
    h('button', { type: 'submit' }, 'apply'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(/** @type {HTMLFormElement} */ (form));
    /** @type {Record<string, string>} */
    const next = {};
    for (const [key, value] of data.entries()) if (typeof value === 'string' && value !== '') next[key] = value;
    apply(next);
  });
  form.addEventListener('change', (event) => {
    if (/** @type {HTMLElement} */ (event.target).tagName === 'SELECT') /** @type {HTMLFormElement} */ (form).requestSubmit();
  });
  return form;
}

/** @param {string} runId @param {RolloutRow} row @param {boolean} grouped */
function rolloutRow(runId, row, grouped) {
  return h('tr', { 'data-rollout': row.id, class: row.status },
    grouped ? h('td', { class: 'num' }, `#${row.attempt}`) : h('td', { title: row.groupId ?? '' }, row.taskId ?? '–'),
    h('td', null, link(routeHash.rollout(runId, row.id), shortId(row.id)), h('span', { class: 'full-id' }, row.id)),
    h('td', null, h('span', { class: `status ${row.status}` }, row.status), row.split === 'validation' ? h('span', { class: 'tag' }, 'held-out') : null),
    h('td', { class: 'num' }, num(row.reward)),
    h('td', { class: 'num' }, num(row.advantage)),
    h('td', null, row.isSuccess === null ? '–' : row.isSuccess ? '✓' : '✗'),
    h('td', { class: 'num' }, row.calls),
    h('td', { class: 'num' }, row.completionTokens),
    h('td', { class: 'num' }, duration(row.latencyMs)),
    h('td', null, ...row.flags.map((flag) => h('span', { class: `flag ${flag}` }, flag))),
    h('td', { class: 'failure' }, row.failure ?? ''),
  );
}

/** @param {string} runId @param {GroupSummary | undefined} group */
function groupRow(runId, group) {
  if (group === undefined) return null;
  const compare = group.bestId !== null && group.worstId !== null ? link(routeHash.compare(runId, group.bestId, group.worstId), 'compare best vs worst') : null;
  return h('tr', { class: 'group-row' }, h('td', { colspan: 11 },
    h('strong', null, group.taskId ?? group.groupId), ` · ${group.rollouts} rollouts · reward mean ${num(group.rewardMean)} (${num(group.rewardMin)} … ${num(group.rewardMax)}) `, compare));
}

/** @param {string} runId @param {StepPage} page @param {boolean} grouped */
function table(runId, page, grouped) {
  const groups = new Map(page.groups.map((g) => [g.groupId, g]));
  /** @type {HTMLElement[]} */
  const body = [];
  let lastGroup = /** @type {string | null} */ (null);
  for (const row of page.rows) {
    if (grouped && row.groupId !== lastGroup) {
      const header = groupRow(runId, groups.get(row.groupId ?? ''));
      if (header !== null) body.push(header);
      lastGroup = row.groupId;
    }
    body.push(rolloutRow(runId, row, grouped));
  }
  return h('table', { class: 'grid rollouts', id: 'rollout-table' },
    h('thead', null, h('tr', null, ...[grouped ? 'attempt' : 'task', 'rollout', 'status', 'reward', 'advantage', 'success', 'calls', 'tokens', 'latency', 'flags', 'failure reason'].map((t) => h('th', null, t)))),
    h('tbody', null, ...body),
  );
}

/** @param {StepPage} page @param {(offset: number) => void} go */
function pager(page, go) {
  const last = Math.max(0, Math.ceil(page.matched / page.limit) - 1);
  const at = Math.floor(page.offset / page.limit);
  return h('div', { class: 'pager' },
    h('button', { disabled: at === 0, onclick: () => go(0) }, '« first'),
    h('button', { disabled: at === 0, onclick: () => go((at - 1) * page.limit) }, '‹ previous'),
    ` page ${at + 1} of ${last + 1} · ${page.matched} of ${page.total} rollouts `,
    h('button', { disabled: at >= last, onclick: () => go((at + 1) * page.limit) }, 'next ›'),
    h('button', { disabled: at >= last, onclick: () => go(last * page.limit) }, 'last »'),
  );
}

/** @param {Route} route @returns {Promise<Page>} */
export async function stepPage(route) {
  const runId = /** @type {string} */ (route.runId);
  const stepParam = route.params.step ?? 'none';
  /** @type {Record<string, string>} */
  const filters = {};
  for (const key of FILTER_KEYS) {
    const value = route.query.get(key);
    if (value !== null && value !== '') filters[key] = value;
  }
  const load = () => /** @type {Promise<StepPage>} */ (get(`${runPath(runId)}/steps/${stepParam}/rollouts`, { ...filters, limit: PAGE_SIZE }));
  const apply = (/** @type {Record<string, string>} */ next) => (location.hash = routeHash.step(runId, stepParam, next));
  const page = await load();
  const grouped = (filters.sort ?? 'group') === 'group';
  const body = h('div', { id: 'step-body' });
  const counts = h('p', { class: 'muted', id: 'step-counts' });
  const draw = (/** @type {StepPage} */ p) => {
    const statuses = Object.entries(p.statusCounts).map(([s, n]) => `${n} ${s}`).join(', ');
    fill(counts, `${p.total} rollouts in ${p.groups.length} groups: ${statuses || 'none yet'}`);
    fill(body, pager(p, (offset) => apply({ ...filters, offset: String(offset) })), table(runId, p, grouped));
  };
  draw(page);
  const el = h('section', { class: 'page step' },
    h('h1', null, stepParam === 'none' ? 'Rollouts without a step' : `Step ${stepParam}`),
    counts,
    filterForm(route.query, apply, page),
    body,
  );
  return { el, onChange: () => void load().then(draw, () => undefined) };
}
