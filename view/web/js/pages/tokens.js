// @ts-check
import { get, runPath } from '../api.js';
import { fill, h, link } from '../dom.js';
import { num } from '../format.js';
import { routeHash } from '../routes.js';
import { CONFIDENCE_COLORS, tokenStrip } from '../token-strip.js';
import { PAGE, TokenView } from '../token-view.js';

/**
 * Tokens: one training sample exactly as the learner gets it, token by token — context (loss
 * mask 0) in grey, trained tokens (mask 1) coloured by the probability the engine gave them.
 * Hovering a token shows its id, text, logprob, position and the call it came from; a click pins
 * it. Calls, drift, forks and truncation are marked where they happen.
 *
 * @typedef {import('../../../api/view-wire.ts').TokenOverview} TokenOverview
 * @typedef {import('../../../api/view-wire.ts').TokenPage} TokenPage
 * @typedef {import('../../../api/view-wire.ts').TokenMark} TokenMark
 * @typedef {import('../token-view.js').TokenInfo} TokenInfo
 * @typedef {import('../app.js').Page} Page
 * @typedef {import('../app.js').Route} Route
 */

function legend() {
  return h('div', { class: 'legend tokens-legend' },
    h('span', { class: 'tk m0' }, 'context (mask 0)'),
    ' trained (mask 1), by p = exp(logprob): ',
    ...CONFIDENCE_COLORS.map((_, i) => h('span', { class: `tk m1 p${i}`, title: `p ${i / 10}–${(i + 1) / 10}` }, i === 0 ? '<.1' : i === 9 ? '≥.9' : `.${i}`)),
  );
}

/** @param {TokenInfo} t @param {TokenMark[]} calls @param {string} runId @param {string} rolloutId @param {string} sampleId */
function details(t, calls, runId, rolloutId, sampleId) {
  const call = calls[t.call];
  return h('dl', { class: 'facts token-facts' },
    h('dt', null, 'position'), h('dd', null, String(t.pos), ' ', link(routeHash.tokens(runId, rolloutId, sampleId, t.pos), '(link)')),
    h('dt', null, 'id'), h('dd', { class: 'mono' }, String(t.id)),
    h('dt', null, 'text'), h('dd', { class: 'mono' }, JSON.stringify(t.text)),
    h('dt', null, 'loss mask'), h('dd', null, t.mask === 1 ? '1 (trained)' : '0 (context)'),
    h('dt', null, 'logprob'), h('dd', { class: 'mono' }, t.mask === 1 ? `${num(t.logprob, 5)} (p ${num(Math.exp(t.logprob), 4)})` : '– (not trained)'),
    h('dt', null, 'advantage'), h('dd', { class: 'mono' }, t.advantage === null ? '–' : num(t.advantage, 5)),
    h('dt', null, 'call'), h('dd', null, call === undefined || call.kind !== 'call' ? '–' : `call ${call.seq} (#${call.callId}), ${t.pos >= call.pos ? 'its completion' : 'its prompt'}`),
  );
}

/** @param {Route} route @returns {Promise<Page>} */
export async function tokensPage(route) {
  const runId = /** @type {string} */ (route.runId);
  const rolloutId = route.params.rollout ?? '';
  const sampleId = route.params.sample ?? '';
  const base = `${runPath(runId)}/rollouts/${encodeURIComponent(rolloutId)}/samples/${encodeURIComponent(sampleId)}`;
  const overview = /** @type {TokenOverview} */ (await get(`${base}/overview`));
  const calls = overview.marks.filter((m) => m.kind === 'call');
  const panel = h('aside', { class: 'token-panel', id: 'token-panel' }, h('p', { class: 'muted' }, 'Hover a token to see it; click to pin it.'));
  const tip = h('div', { class: 'token-tip', hidden: true });
  const counter = h('span', { id: 'rendered-count', class: 'muted' });
  const view = new TokenView({
    length: overview.length,
    marks: overview.marks,
    fetchPage: (index) => /** @type {Promise<TokenPage>} */ (get(`${base}/tokens`, { offset: index * PAGE, limit: PAGE })),
    onToken: (info, pinned) => {
      if (pinned) fill(panel, h('h3', null, 'Pinned token'), details(info, calls, runId, rolloutId, sampleId));
      fill(tip, `#${info.pos} · id ${info.id} · ${JSON.stringify(info.text)} · ${info.mask === 1 ? `logprob ${num(info.logprob, 4)}` : 'context'}`);
    },
    onRendered: () => {
      const trained = view.el.querySelectorAll('.tk.m1').length;
      const context = view.el.querySelectorAll('.tk.m0').length;
      counter.dataset.trained = String(trained);
      counter.dataset.context = String(context);
      fill(counter, `on screen: ${trained} trained, ${context} context tokens`);
    },
  });
  view.el.addEventListener('mousemove', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    tip.hidden = !target.classList.contains('tk');
    tip.style.left = `${event.clientX + 12}px`;
    tip.style.top = `${event.clientY + 14}px`;
  });
  view.el.addEventListener('mouseleave', () => (tip.hidden = true));
  const strip = tokenStrip(overview, (pos) => void view.reveal(pos));
  const b = overview.batch;
  const el = h('section', { class: 'page tokens-page' },
    h('h1', null, `Tokens of sample ${sampleId}`),
    h('p', null, link(routeHash.rollout(runId, rolloutId), `rollout ${rolloutId}`), ` · ${overview.length} tokens: `,
      h('strong', { id: 'trained-total' }, `${overview.trainedTokens} trained`), ', ', h('strong', { id: 'context-total' }, `${overview.contextTokens} context`),
      b === null ? ' · not in a batch' : ` · trained with advantage ${num(b.advantage, 4)} × loss weight ${num(b.lossWeight)}`),
    b !== null && !b.matchesStore ? h('p', { class: 'warn' }, 'The batch row the learner got differs from the sample rebuilt from the database now (the run\'s sample caps changed?).') : null,
    h('p', { class: overview.decoder.kind === 'ids' ? 'warn' : 'muted', id: 'decoder' }, `Text: ${overview.decoder.detail}`),
    legend(),
    strip.el,
    counter,
    h('div', { class: 'token-layout' }, view.el, panel),
    tip,
  );
  const pos = Number(route.query.get('pos'));
  if (route.query.has('pos') && Number.isInteger(pos)) requestAnimationFrame(() => void view.reveal(pos));
  return { el, dispose: () => { view.dispose(); strip.dispose(); } };
}
