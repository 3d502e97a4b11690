// @ts-check
/**
 * @typedef {import('../../api/view-wire.ts').ChangeEvent} ChangeEvent
 */

/** The JSON API, relative to the page (the page's <base> is the view's prefix). */

export class ApiError extends Error {
  /** @param {number} status @param {string} message @param {string | null} code */
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * @template T
 * @param {string} path under api/
 * @param {Record<string, string | number | undefined | null>} [query]
 * @returns {Promise<T>}
 */
export async function get(path, query = {}) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const search = params.size > 0 ? `?${params}` : '';
  const response = await fetch(`api/${path}${search}`, { headers: { accept: 'application/json' } });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body?.error?.message ?? `HTTP ${response.status}`, body?.error?.code ?? null);
  return body;
}

/** @param {string} runId */
export const runPath = (runId) => `runs/${encodeURIComponent(runId)}`;

/**
 * Listens for changes of one run (or all); the browser reconnects on its own after a drop.
 * @param {{ runId: string | null, since: number, onChange: (event: ChangeEvent) => void, onState: (live: boolean) => void }} options
 * @returns {() => void} stops listening
 */
export function listen(options) {
  const params = new URLSearchParams({ since: String(options.since) });
  if (options.runId !== null) params.set('run', options.runId);
  const source = new EventSource(`api/events?${params}`);
  source.addEventListener('open', () => options.onState(true));
  source.addEventListener('error', () => options.onState(false));
  source.addEventListener('change', (message) => options.onChange(JSON.parse(/** @type {MessageEvent} */ (message).data)));
  return () => source.close();
}
