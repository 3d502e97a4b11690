// @ts-check
import { h } from './dom.js';

/**
 * The whole sample in one strip, one column of pixels per slice of tokens: grey where everything
 * is context, else the colour of the least likely trained token in the slice; thin lines where
 * calls begin, red where drift was found, orange where the sample was cut. A click jumps there.
 *
 * @typedef {import('../../api/view-wire.ts').TokenOverview} TokenOverview
 */

/** Must match the p0…p9 token colours in style.css. */
export const CONFIDENCE_COLORS = ['#b91c1c', '#dc2626', '#ea580c', '#f97316', '#f59e0b', '#eab308', '#a3e635', '#65a30d', '#22c55e', '#15803d'];
const CONTEXT = '#d1d5db';
const HEIGHT = 28;

/** @param {TokenOverview} overview @param {(pos: number) => void} onJump */
export function tokenStrip(overview, onJump) {
  const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'strip', height: HEIGHT, title: 'the whole sample: click to jump there' }));
  const draw = () => {
    const width = Math.max(100, Math.floor(canvas.clientWidth || 900));
    canvas.width = width;
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    const n = overview.length;
    for (let x = 0; x < width; x++) {
      const from = Math.floor((x * n) / width);
      const to = Math.max(from + 1, Math.floor(((x + 1) * n) / width));
      let worst = -1;
      for (let i = from; i < to && i < n; i++) {
        const c = overview.confidence.charCodeAt(i);
        if (c !== 46) worst = worst === -1 ? c - 97 : Math.min(worst, c - 97);
      }
      ctx.fillStyle = worst === -1 ? CONTEXT : (CONFIDENCE_COLORS[worst] ?? CONTEXT);
      ctx.fillRect(x, 4, 1, HEIGHT - 8);
    }
    for (const mark of overview.marks) {
      const x = Math.floor((mark.pos / Math.max(1, n)) * width);
      ctx.fillStyle = mark.kind === 'drift' ? '#dc2626' : mark.kind === 'truncated' ? '#ea580c' : mark.kind === 'fork' ? '#7c3aed' : '#111827';
      ctx.fillRect(Math.min(width - 1, x), 0, mark.kind === 'call' ? 1 : 2, HEIGHT);
    }
  };
  canvas.addEventListener('click', (event) => {
    const box = canvas.getBoundingClientRect();
    onJump(Math.min(overview.length - 1, Math.floor(((event.clientX - box.left) / box.width) * overview.length)));
  });
  requestAnimationFrame(draw);
  window.addEventListener('resize', draw);
  return { el: canvas, dispose: () => window.removeEventListener('resize', draw) };
}
