// @ts-check
import { h } from './dom.js';
import { visible } from './format.js';

/**
 * A sample's tokens as text, virtualised: the sample is cut into blocks of 256 tokens; only the
 * blocks near the screen hold token elements, the others keep their measured height, so a sample
 * of 32k tokens scrolls like a short one. Token pages (2,048 tokens) are fetched as blocks come
 * near and kept. Each token is one element, coloured by its loss mask and, when trained, by the
 * probability the engine gave it.
 *
 * @typedef {import('../../api/view-wire.ts').TokenPage} TokenPage
 * @typedef {import('../../api/view-wire.ts').TokenMark} TokenMark
 * @typedef {{ pos: number, id: number, text: string, mask: number, logprob: number, call: number, advantage: number | null }} TokenInfo
 */

export const BLOCK = 256;
export const PAGE = 2048;
const LINE_PX = 22;
/** Blocks this far outside the screen are rendered ahead, and emptied beyond it. */
const MARGIN_PX = 800;

/** p = exp(logprob) in tenths, 0…9. @param {number} logprob */
export const bucketOf = (logprob) => Math.max(0, Math.min(9, Math.floor(Math.exp(logprob) * 10)));

/**
 * The labels shown before the token at each position: where each call's new prompt tokens and
 * its completion begin, and where drift was found, a fork starts or the sample was cut.
 * @param {TokenMark[]} marks
 * @returns {Map<number, (() => HTMLElement)[]>}
 */
function labelsByPosition(marks) {
  /** @type {Map<number, (() => HTMLElement)[]>} */
  const at = new Map();
  const add = (/** @type {number} */ pos, /** @type {() => HTMLElement} */ make) => at.set(pos, [...(at.get(pos) ?? []), make]);
  let first = true;
  for (const mark of marks) {
    switch (mark.kind) {
      case 'call': {
        const label = first ? `▸ call ${mark.seq} prompt` : `▸ call ${mark.seq}: new prompt tokens (tool results, template)`;
        if (first || mark.promptFrom < mark.pos) add(mark.promptFrom, () => h('span', { class: 'mark call-prompt' }, label));
        add(mark.pos, () => h('span', { class: 'mark call-completion' }, `▸ call ${mark.seq} completion (${mark.end - mark.pos} tokens)`));
        first = false;
        break;
      }
      case 'drift':
        add(mark.pos, () => h('span', { class: 'mark drift', title: `expected ${mark.expected.join(' ')}\nactual   ${mark.actual.join(' ')}` }, `⚠ drift: call #${mark.callId}'s prompt parts here from call #${mark.parentCallId}'s tokens`));
        break;
      case 'fork':
        add(mark.pos, () => h('span', { class: 'mark fork' }, `⑂ fork: ${mark.note}`));
        break;
      case 'truncated':
        add(mark.pos, () => h('span', { class: 'mark truncated' }, `✂ truncated: ${mark.note}`));
        break;
    }
  }
  return at;
}

/**
 * @param {{ length: number, marks: TokenMark[], fetchPage: (index: number) => Promise<TokenPage>, onToken: (info: TokenInfo, pinned: boolean) => void, onRendered: () => void }} options
 */
export function tokenView(options) {
  const { length, marks } = options;
  const root = h('div', { class: 'tokens', id: 'token-view' });
  /** @type {Map<number, Promise<TokenPage>>} */
  const pages = new Map();
  const blockCount = Math.max(1, Math.ceil(length / BLOCK));
  const estimate = Math.ceil((BLOCK * 5) / 100) * LINE_PX;
  /** @type {HTMLElement[]} */
  const blocks = [];
  /** @type {Map<number, number>} measured heights */
  const heights = new Map();
  const rendered = new Set();
  const labelsAt = labelsByPosition(marks);

  const page = (/** @type {number} */ index) => {
    let p = pages.get(index);
    if (p === undefined) {
      p = options.fetchPage(index);
      pages.set(index, p);
      p.catch(() => pages.delete(index));
    }
    return p;
  };

  async function renderBlock(/** @type {number} */ b) {
    const from = b * BLOCK;
    const to = Math.min(length, from + BLOCK);
    const tp = await page(Math.floor(from / PAGE));
    if (rendered.has(b)) return;
    // A page the server could only give as ids (no tokenizer, an engine that is gone) shows ids.
    const idsOnly = tp.decoder.kind === 'ids';
    const el = blocks[b];
    if (el === undefined) return;
    const frag = document.createDocumentFragment();
    for (let pos = from; pos < to; pos++) {
      for (const make of labelsAt.get(pos) ?? []) frag.appendChild(make());
      const k = pos - tp.offset;
      const mask = tp.mask[k] ?? 0;
      const text = tp.text[k] ?? '';
      const span = document.createElement('span');
      span.className = mask === 1 ? `tk m1 p${bucketOf(tp.logprobs[k] ?? 0)}` : 'tk m0';
      span.dataset.i = String(pos);
      if (idsOnly) span.classList.add('id');
      else if (text === '') span.classList.add('empty');
      span.textContent = idsOnly ? text : text === '' ? '\u200b' : visible(text);
      frag.appendChild(span);
    }
    if (to === length) for (const make of labelsAt.get(length) ?? []) frag.appendChild(make());
    el.style.height = '';
    el.style.minHeight = '';
    el.replaceChildren(frag);
    rendered.add(b);
    heights.set(b, el.getBoundingClientRect().height);
    options.onRendered();
  }

  function emptyBlock(/** @type {number} */ b) {
    const el = blocks[b];
    if (el === undefined || !rendered.has(b)) return;
    el.style.height = `${heights.get(b) ?? estimate}px`;
    el.replaceChildren();
    rendered.delete(b);
    options.onRendered();
  }

  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const b = Number(/** @type {HTMLElement} */ (entry.target).dataset.block);
      if (entry.isIntersecting) void renderBlock(b);
      else emptyBlock(b);
    }
  }, { rootMargin: `${MARGIN_PX}px 0px` });

  for (let b = 0; b < blockCount; b++) {
    const el = h('div', { class: 'block', 'data-block': b });
    el.style.minHeight = `${estimate}px`;
    blocks.push(el);
    root.appendChild(el);
    observer.observe(el);
  }

  /** @param {Event} event @param {boolean} pinned */
  async function report(event, pinned) {
    const target = /** @type {HTMLElement} */ (event.target);
    if (!target.classList?.contains('tk')) return;
    const pos = Number(target.dataset.i);
    const tp = await page(Math.floor(pos / PAGE));
    const k = pos - tp.offset;
    options.onToken({ pos, id: tp.ids[k] ?? 0, text: tp.text[k] ?? '', mask: tp.mask[k] ?? 0, logprob: tp.logprobs[k] ?? 0, call: tp.call[k] ?? 0, advantage: tp.advantages?.[k] ?? null }, pinned);
    if (pinned) {
      root.querySelector('.tk.pinned')?.classList.remove('pinned');
      target.classList.add('pinned');
    }
  }
  root.addEventListener('mouseover', (event) => void report(event, false));
  root.addEventListener('click', (event) => void report(event, true));

  return {
    el: root,
    /** Scrolls to a token and pins it. @param {number} pos */
    async reveal(pos) {
      const b = Math.min(blockCount - 1, Math.max(0, Math.floor(pos / BLOCK)));
      blocks[b]?.scrollIntoView({ block: 'start' });
      await renderBlock(b);
      const span = /** @type {HTMLElement | null} */ (root.querySelector(`.tk[data-i="${pos}"]`));
      span?.scrollIntoView({ block: 'center' });
      span?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    },
    dispose: () => observer.disconnect(),
  };
}
