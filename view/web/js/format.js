// @ts-check
/** How numbers, times and ids are shown. */

/** @param {number | null | undefined} value @param {number} [digits] */
export function num(value, digits = 3) {
  if (value === null || value === undefined) return '–';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 0.001 || abs >= 1e6)) return value.toExponential(2);
  return value.toFixed(digits).replace(/\.?0+$/, '') || '0';
}

/** @param {number | null | undefined} value */
export const pct = (value) => (value === null || value === undefined ? '–' : `${(value * 100).toFixed(1)}%`);

/** @param {number | null | undefined} ms */
export function duration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** @param {number | null | undefined} at ms since the epoch */
export function ago(at) {
  if (at === null || at === undefined) return 'never';
  const s = Math.max(0, Math.round((Date.now() - at) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(at).toISOString().slice(0, 16).replace('T', ' ');
}

/** A long id shortened for tables; the full id is in the title. @param {string} id */
export const shortId = (id) => (id.length > 14 ? `…${id.slice(-10)}` : id);

/** A token's text with its invisible characters made visible. @param {string} text */
export const visible = (text) => text.replace(/\n/g, '↵\n').replace(/\t/g, '→\t').replace(/\r/g, '␍');
