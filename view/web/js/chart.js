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
 * @typedef {{ x: (v: number) => number, y: (v: number) => number, x0: number, x1: number, y0: number, y1: number }} Scale
 */

/** Maps steps and values into the chart's box. @param {[number, number][]} all @returns {Scale} */
function scaleOf(all) {
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - (Math.abs(y0) || 1) * 0.1, y1 + (Math.abs(y1) || 1) * 0.1];
  return {
    x: (v) => PAD.left + (x1 === x0 ? (W - PAD.left - PAD.right) / 2 : ((v - x0) / (x1 - x0)) * (W - PAD.left - PAD.right)),
    y: (v) => H - PAD.bottom - ((v - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom),
    x0, x1, y0, y1,
  };
}

/** Grid lines, value ticks and the first and last step. @param {SVGElement} svg @param {Scale} sc */
function drawAxes(svg, sc) {
  for (const t of ticks(sc.y0, sc.y1)) {
    svg.appendChild(s('line', { x1: PAD.left, x2: W - PAD.right, y1: sc.y(t), y2: sc.y(t), class: 'grid' }));
    const label = s('text', { x: PAD.left - 4, y: sc.y(t) + 3, class: 'tick', 'text-anchor': 'end' });
    label.textContent = num(t, 3);
    svg.appendChild(label);
  }
  for (const t of sc.x0 === sc.x1 ? [sc.x0] : [sc.x0, sc.x1]) {
    const anchor = sc.x0 === sc.x1 ? 'middle' : t === sc.x0 ? 'start' : 'end';
    const label = s('text', { x: sc.x(t), y: H - 6, class: 'tick', 'text-anchor': anchor });
    label.textContent = `step ${t}`;
    svg.appendChild(label);
  }
}

/**
 * A line and a point per step; a point shows its value on hover and opens its step on click.
 * @param {SVGElement} svg @param {Scale} sc @param {Series} series @param {string} color @param {HTMLElement} tip @param {((step: number) => void) | undefined} onPoint
 */
function drawSeries(svg, sc, series, color, tip, onPoint) {
  const sorted = [...series.points].sort((a, b) => a[0] - b[0]);
  if (sorted.length > 1) svg.appendChild(s('polyline', { points: sorted.map(([px, py]) => `${sc.x(px)},${sc.y(py)}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 1.5 }));
  for (const [px, py] of sorted) {
    const dot = s('circle', { cx: sc.x(px), cy: sc.y(py), r: 3, fill: color, class: 'point', 'data-step': px });
    dot.addEventListener('mouseenter', () => {
      tip.hidden = false;
      tip.textContent = `${series.name === '' ? '' : `${series.name}: `}step ${px}: ${num(py, 4)}`;
    });
    dot.addEventListener('mouseleave', () => (tip.hidden = true));
    if (onPoint !== undefined) dot.addEventListener('click', () => onPoint(px));
    svg.appendChild(dot);
  }
}

/**
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
  const sc = scaleOf(all);
  drawAxes(svg, sc);
  const tip = h('div', { class: 'chart-tip', hidden: true });
  figure.appendChild(tip);
  options.series.forEach((series, i) => drawSeries(svg, sc, series, COLORS[i % COLORS.length] ?? '#2563eb', tip, options.onPoint));
  if (options.series.length > 1) {
    figure.appendChild(h('div', { class: 'legend' }, ...options.series.map((series, i) => h('span', { class: `swatch c${i % COLORS.length}` }, series.name))));
  }
  return figure;
}
