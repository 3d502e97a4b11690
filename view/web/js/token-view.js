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

/** One token as an element: coloured by mask and, when trained, by its probability. @param {TokenPage} tp @param {number} pos */
function tokenElement(tp, pos) {
  const k = pos - tp.offset;
  // A page the server could only give as ids (no tokenizer, an engine that is gone) shows ids.
  const idsOnly = tp.decoder.kind === 'ids';
  const text = tp.text[k] ?? '';
  const span = document.createElement('span');
  span.className = tp.mask[k] === 1 ? `tk m1 p${bucketOf(tp.logprobs[k] ?? 0)}` : 'tk m0';
  span.dataset.i = String(pos);
  if (idsOnly) span.classList.add('id');
  else if (text === '') span.classList.add('empty');
  span.textContent = idsOnly ? text : text === '' ? '\u200b' : visible(text);
  return span;
}

/**
 * @typedef {{ length: number, marks: TokenMark[], fetchPage: (index: number) => Promise<TokenPage>, onToken: (info: TokenInfo, pinned: boolean) => void, onRendered: () => void }} TokenViewOptions
 */
export class TokenView {
  /** @param {TokenViewOptions} options */
  constructor(options) {
    this.options = options;
    this.el = h('div', { class: 'tokens', id: 'token-view' });
    /** @type {Map<number, Promise<TokenPage>>} */
    this.pages = new Map();
    this.blockCount = Math.max(1, Math.ceil(options.length / BLOCK));
    this.estimate = Math.ceil((BLOCK * 5) / 100) * LINE_PX;
    /** @type {HTMLElement[]} */
    this.blocks = [];
    /** @type {Map<number, number>} measured heights of blocks drawn before */
    this.heights = new Map();
    /** @type {Set<number>} */
    this.rendered = new Set();
    this.labelsAt = labelsByPosition(options.marks);
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const b = Number(/** @type {HTMLElement} */ (entry.target).dataset.block);
        if (entry.isIntersecting) void this.renderBlock(b);
        else this.emptyBlock(b);
      }
    }, { rootMargin: `${MARGIN_PX}px 0px` });
    for (let b = 0; b < this.blockCount; b++) {
      const block = h('div', { class: 'block', 'data-block': b });
      block.style.minHeight = `${this.estimate}px`;
      this.blocks.push(block);
      this.el.appendChild(block);
      this.observer.observe(block);
    }
    this.el.addEventListener('mouseover', (event) => void this.report(event, false));
    this.el.addEventListener('click', (event) => void this.report(event, true));
  }

  /** The page holding token `pos`, fetched once. @param {number} pos */
  page(pos) {
    const index = Math.floor(pos / PAGE);
    let p = this.pages.get(index);
    if (p === undefined) {
      p = this.options.fetchPage(index);
      this.pages.set(index, p);
      p.catch(() => this.pages.delete(index));
    }
    return p;
  }

  /** Fills a block with its tokens and the labels before them. @param {number} b */
  async renderBlock(b) {
    const from = b * BLOCK;
    const to = Math.min(this.options.length, from + BLOCK);
    const tp = await this.page(from);
    const block = this.blocks[b];
    if (this.rendered.has(b) || block === undefined) return;
    const frag = document.createDocumentFragment();
    for (let pos = from; pos < to; pos++) {
      for (const make of this.labelsAt.get(pos) ?? []) frag.appendChild(make());
      frag.appendChild(tokenElement(tp, pos));
    }
    if (to === this.options.length) for (const make of this.labelsAt.get(to) ?? []) frag.appendChild(make());
    block.style.height = '';
    block.style.minHeight = '';
    block.replaceChildren(frag);
    this.rendered.add(b);
    this.heights.set(b, block.getBoundingClientRect().height);
    this.options.onRendered();
  }

  /** Empties a block far from the screen, keeping its height. @param {number} b */
  emptyBlock(b) {
    const block = this.blocks[b];
    if (block === undefined || !this.rendered.has(b)) return;
    block.style.height = `${this.heights.get(b) ?? this.estimate}px`;
    block.replaceChildren();
    this.rendered.delete(b);
    this.options.onRendered();
  }

  /** Tells the page about the token under the mouse, or the one clicked (pinned). @param {Event} event @param {boolean} pinned */
  async report(event, pinned) {
    const target = /** @type {HTMLElement} */ (event.target);
    if (!target.classList?.contains('tk')) return;
    const pos = Number(target.dataset.i);
    const tp = await this.page(pos);
    const k = pos - tp.offset;
    this.options.onToken({ pos, id: tp.ids[k] ?? 0, text: tp.text[k] ?? '', mask: tp.mask[k] ?? 0, logprob: tp.logprobs[k] ?? 0, call: tp.call[k] ?? 0, advantage: tp.advantages?.[k] ?? null }, pinned);
    if (pinned) {
      this.el.querySelector('.tk.pinned')?.classList.remove('pinned');
      target.classList.add('pinned');
    }
  }

  /** Scrolls to a token and pins it. @param {number} pos */
  async reveal(pos) {
    const b = Math.min(this.blockCount - 1, Math.max(0, Math.floor(pos / BLOCK)));
    this.blocks[b]?.scrollIntoView({ block: 'start' });
    await this.renderBlock(b);
    const span = /** @type {HTMLElement | null} */ (this.el.querySelector(`.tk[data-i="${pos}"]`));
    span?.scrollIntoView({ block: 'center' });
    span?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  }

  dispose() {
    this.observer.disconnect();
  }
}
