// @ts-check
import { get, runPath } from '../api.js';
import { fill, h, link } from '../dom.js';
import { duration, num, shortId } from '../format.js';
import { routeHash } from '../routes.js';
import { transcript } from '../transcript.js';

/**
 * Rollout: what happened and why it scored what it did — the transcript, each call's sampling,
 * latency, policy version, finish reason and flags, the judge's metrics, and the training samples
 * the calls made (each opens the Tokens page). Its group's other attempts are a click away.
 *
 * @typedef {import('../../../api/view-wire.ts').RolloutDetail} RolloutDetail
 * @typedef {import('../../../api/view-wire.ts').CallView} CallView
 * @typedef {import('../app.js').Page} Page
 * @typedef {import('../app.js').Route} Route
 */

/** @param {Record<string, unknown>} values */
const pairs = (values) => Object.entries(values).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');

/** @param {RolloutDetail} d */
function summary(d) {
  const r = d.rollout;
  return h('dl', { class: 'facts' },
    h('dt', null, 'status'), h('dd', null, h('span', { class: `status ${r.status}` }, r.status), r.trainable ? '' : ' (not trainable)'),
    h('dt', null, 'reward'), h('dd', { class: 'num', id: 'rollout-reward' }, num(r.reward)),
    h('dt', null, 'success'), h('dd', null, r.isSuccess === null ? '–' : r.isSuccess ? 'yes' : 'no'),
    h('dt', null, 'advantage'), h('dd', { class: 'num' }, d.advantage === null ? 'not trained' : num(d.advantage, 4)),
    h('dt', null, 'task'), h('dd', null, r.taskId ?? '–'),
    h('dt', null, 'group'), h('dd', null, `${r.groupId ?? '–'} · attempt ${r.attempt}`),
    h('dt', null, 'step'), h('dd', null, r.step === null ? '–' : link(routeHash.step(d.runId, r.step), `step ${r.step}`), r.split === null ? '' : ` (${r.split})`),
    h('dt', null, 'sampling policy'), h('dd', null, pairs(r.sampling) || 'engine defaults'),
    h('dt', null, 'limits'), h('dd', null, pairs(r.limits) || 'none'),
    h('dt', null, 'time'), h('dd', null, r.endedAt === null ? 'still open' : duration(r.endedAt - r.createdAt)),
    r.failure === null ? null : h('dt', null, 'failure'), r.failure === null ? null : h('dd', { class: 'bad' }, h('pre', null, r.failure)),
  );
}

/** A madness check that fired, or a reward the madness checks changed. @param {string} key @param {number} value */
const isAlarm = (key, value) => value !== 0 && key.startsWith('madness/') && !/^madness\/original_/.test(key);

/** @param {Record<string, number>} judge */
function judgeTable(judge) {
  const entries = Object.entries(judge);
  if (entries.length === 0) return h('p', { class: 'muted' }, 'The judge recorded no metrics.');
  return h('table', { class: 'grid judge' }, h('tbody', null, ...entries.map(([k, v]) => h('tr', { class: isAlarm(k, v) ? 'warn' : '' }, h('td', null, k), h('td', { class: 'num' }, num(v, 4))))));
}

/** @param {CallView[]} calls */
function callTable(calls) {
  return h('table', { class: 'grid calls' },
    h('thead', null, h('tr', null, ...['call', 'status', 'mode', 'finish', 'policy', 'latency', 'first token', 'prompt', 'completion', 'sampling sent', 'client asked', 'flags'].map((t) => h('th', null, t)))),
    h('tbody', null, ...calls.map((c) => h('tr', { class: c.status, 'data-call': c.id },
      h('td', null, `${c.seq}`, h('span', { class: 'muted' }, ` #${c.id}`), c.extendsCallId === null ? null : h('span', { class: 'muted', title: 'continues this call' }, ` ⟵ #${c.extendsCallId}`)),
      h('td', null, h('span', { class: `status ${c.status}` }, c.status), c.error === null ? null : h('div', { class: 'bad' }, `${c.error.code}: ${c.error.message}`)),
      h('td', null, c.mode),
      h('td', null, c.finishReason ?? '–', c.stopReason === null ? '' : ` (${c.stopReason})`),
      h('td', { class: 'num' }, `v${c.policyVersion}`),
      h('td', { class: 'num' }, duration(c.latencyMs)),
      h('td', { class: 'num' }, duration(c.ttftMs)),
      h('td', { class: 'num' }, c.promptTokens),
      h('td', { class: 'num' }, c.completionTokens),
      h('td', { class: 'mono' }, pairs(c.sampling)),
      h('td', { class: 'mono' }, pairs(c.requested)),
      h('td', null, ...Object.entries(c.flags).map(([k, v]) => h('span', { class: 'flag', title: v }, k)), c.trainable ? null : h('span', { class: 'flag untrainable', title: c.untrainableReason ?? '' }, `untrainable: ${c.untrainableReason ?? ''}`)),
    ))),
  );
}

/** @param {RolloutDetail} d */
function sampleTable(d) {
  if (d.samples.length === 0) return h('p', { class: 'muted' }, 'No samples: no completed call with token ids.');
  return h('table', { class: 'grid samples' },
    h('thead', null, h('tr', null, ...['sample', 'tokens', 'trained', 'context', 'calls', 'merges', 'policy versions', 'truncated', 'drift', 'in batch (advantage)'].map((t) => h('th', null, t)))),
    h('tbody', null, ...d.samples.map((s) => h('tr', { 'data-sample': s.sampleId },
      h('td', null, link(routeHash.tokens(d.runId, d.rollout.id, s.sampleId), `tokens of ${s.sampleId}`)),
      h('td', { class: 'num' }, s.length),
      h('td', { class: 'num' }, s.trainedTokens),
      h('td', { class: 'num' }, s.contextTokens),
      h('td', null, s.callIds.join(', ')),
      h('td', { class: 'num' }, s.merges),
      h('td', null, s.policyVersions.join(', ')),
      h('td', { class: s.truncated ? 'warn' : '' }, s.truncated ? 'yes' : 'no'),
      h('td', { class: s.driftEvents > 0 ? 'warn' : '' }, s.driftEvents),
      h('td', { class: 'num' }, s.batch === null ? 'no' : `${num(s.batch.advantage, 4)} × weight ${num(s.batch.lossWeight)}`),
    ))),
  );
}

/** @param {RolloutDetail} d */
function groupList(d) {
  const best = d.group[0];
  const worst = d.group.at(-1);
  const others = d.group.filter((g) => g.id !== d.rollout.id);
  return h('div', { class: 'group' },
    h('ul', { class: 'siblings' }, ...d.group.map((g) => h('li', { class: g.id === d.rollout.id ? 'self' : '' },
      g.id === d.rollout.id ? h('strong', null, `#${g.attempt} (this one)`) : link(routeHash.rollout(d.runId, g.id), `#${g.attempt}`),
      ` reward ${num(g.reward)} · ${g.status} `,
      g.id === d.rollout.id ? null : link(routeHash.compare(d.runId, d.rollout.id, g.id), 'compare'),
    ))),
    others.length > 0 && best !== undefined && worst !== undefined && best.id !== worst.id ? h('p', null, link(routeHash.compare(d.runId, best.id, worst.id), 'Compare the best and the worst of the group')) : null,
    d.auxiliary.length === 0 ? null : h('p', null, 'Auxiliary calls (judge, other models): ', ...d.auxiliary.map((a) => h('span', null, link(routeHash.rollout(d.runId, a.id), `${a.engine} ${shortId(a.id)}`), ` (${a.calls} calls) `))),
  );
}

/** @param {RolloutDetail} d */
function statsLine(d) {
  const s = d.sampleStats;
  return `${s.forks} fork(s) · ${s.merges} merge(s) · ${s.driftEvents} drift event(s) · ${s.truncations} truncated · ${s.deduplicated} retries dropped · ${s.skippedCalls} calls skipped · ${s.droppedByCaps} dropped by caps · ${s.syntheticEos} synthetic EOS · ${s.invalidChoices} invalid choices`;
}

/** @param {RolloutDetail} d */
function build(d) {
  return [
    h('h1', null, `Rollout ${d.rollout.id}`),
    h('div', { class: 'columns' }, h('div', null, summary(d)), h('div', null, h('h3', null, 'Judge'), judgeTable(d.rollout.judge))),
    h('h2', null, 'Training samples'), h('p', { class: 'muted' }, statsLine(d)), sampleTable(d),
    h('h2', null, 'Group'), groupList(d),
    h('h2', null, 'Transcript'), transcript(d.transcript),
    h('h2', null, `Calls (${d.calls.length})`), callTable(d.calls),
  ];
}

/** @param {Route} route @returns {Promise<Page>} */
export async function rolloutPage(route) {
  const runId = /** @type {string} */ (route.runId);
  const path = `${runPath(runId)}/rollouts/${encodeURIComponent(route.params.rollout ?? '')}`;
  const detail = /** @type {RolloutDetail} */ (await get(path));
  const el = h('section', { class: 'page rollout' }, ...build(detail));
  let isOpen = detail.rollout.status === 'open';
  return {
    el,
    // A finished rollout never changes; an open one is redrawn as its calls come in.
    onChange: () => {
      if (!isOpen) return;
      void get(path).then((fresh) => {
        const d = /** @type {RolloutDetail} */ (fresh);
        isOpen = d.rollout.status === 'open';
        fill(el, ...build(d));
      }, () => undefined);
    },
  };
}
