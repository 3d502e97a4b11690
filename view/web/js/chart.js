// @ts-check
import { h } from './dom.js';
import { num } from './format.js';

/**
 * Line charts over steps, drawn as SVG in the page (no plotting library, no TensorBoard): one
 * chart per metric, or several runs' series overlaid. A point per step, its value on hover.
 */

const SVG = 'http://www.w3.org/2000/svg';
const W = 320;
const H = 150;
const PAD = { left: 46, right: 10, top: 10, bottom: 22 };
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @returns {SVGElement}
 */
function s(tag, attrs) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

/** @param {number} lo @param {number} hi */
function ticks(lo, hi) {
  if (lo === hi) return [lo];
  return [lo, (lo + hi) / 2, hi];
}

/**
 * @typedef {{ name: string, points: [number, number][] }} Series
 * @param {{ title: string, metric?: string, series: Series[], onPoint?: (step: number) => void }} options
 * @returns {HTMLElement}
 */
export function lineChart(options) {
  const all = options.series.flatMap((series) => series.points);
  const figure = h('figure', { class: 'chart', 'data-metric': options.metric ?? options.title, 'data-points': all.length });
  figure.appendChild(h('figcaption', null, options.title));
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': options.title });
  figure.appendChild(svg);
  if (all.length === 0) {
    figure.appendChild(h('p', { class: 'muted' }, 'no values yet'));
    return figure;
  }
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - (Math.abs(y0) || 1) * 0.1, y1 + (Math.abs(y1) || 1) * 0.1];
  const x = (/** @type {number} */ v) => PAD.left + (x1 === x0 ? (W - PAD.left - PAD.right) / 2 : ((v - x0) / (x1 - x0)) * (W - PAD.left - PAD.right));
  const y = (/** @type {number} */ v) => H - PAD.bottom - ((v - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  for (const t of ticks(y0, y1)) {
    svg.appendChild(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(t), y2: y(t), class: 'grid' }));
    const label = s('text', { x: PAD.left - 4, y: y(t) + 3, class: 'tick', 'text-anchor': 'end' });
    label.textContent = num(t, 3);
    svg.appendChild(label);
  }
  for (const t of x0 === x1 ? [x0] : [x0, x1]) {
    const anchor = x0 === x1 ? 'middle' : t === x0 ? 'start' : 'end';
    const label = s('text', { x: x(t), y: H - 6, class: 'tick', 'text-anchor': anchor });
    label.textContent = `step ${t}`;
    svg.appendChild(label);
  }
  const tip = h('div', { class: 'chart-tip', hidden: true });
  figure.appendChild(tip);
  options.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length];
    const sorted = [...series.points].sort((a, b) => a[0] - b[0]);
    if (sorted.length > 1) svg.appendChild(s('polyline', { points: sorted.map(([px, py]) => `${x(px)},${y(py)}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 1.5 }));
    for (const [px, py] of sorted) {
      const dot = s('circle', { cx: x(px), cy: y(py), r: 3, fill: color, class: 'point', 'data-step': px });
      dot.addEventListener('mouseenter', () => {
        tip.hidden = false;
        tip.textContent = `${series.name === '' ? '' : `${series.name}: `}step ${px}: ${num(py, 4)}`;
      });
      dot.addEventListener('mouseleave', () => (tip.hidden = true));
      if (options.onPoint !== undefined) {
        const go = options.onPoint;
        dot.addEventListener('click', () => go(px));
      }
      svg.appendChild(dot);
    }
  });
  if (options.series.length > 1) {
    figure.appendChild(h('div', { class: 'legend' }, ...options.series.map((series, i) => h('span', { class: `swatch c${i % COLORS.length}` }, series.name))));
  }
  return figure;
}
