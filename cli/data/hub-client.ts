/**
 * The Hugging Face hub's public HTTP API, as far as downloading a dataset's parquet files needs it
 * (the routes `huggingface_hub` uses: `hf_api.list_repo_tree` and `hf_hub_url`):
 *
 * - `GET {endpoint}/api/datasets/{repo}/tree/{revision}?recursive=true` lists every file, as
 *   `[{ type: "file"|"directory", path, size, oid, lfs?: { oid (sha256), size } }]`, in pages that
 *   a `Link: <…>; rel="next"` header continues;
 * - `GET {endpoint}/datasets/{repo}/resolve/{revision}/{path}` serves one file (it may redirect
 *   to a CDN; Range requests work there);
 * - `GET {endpoint}/api/datasets/{repo}/parquet` lists the viewer's parquet conversion as
 *   `{ config: { split: [url, …] } }`, for datasets that hold no parquet files themselves.
 *
 * `HF_ENDPOINT` replaces `https://huggingface.co` (mirrors); `HF_TOKEN` is sent as a Bearer token
 * (gated and private datasets).
 */
import { RollcallError } from '../../src/errors/rollcall-error.ts';

export type HubFile = {
  /** Where it goes under the download folder. */
  path: string;
  url: string;
  /** Bytes, when the listing says. */
  size: number | null;
  /** sha256 of the content (LFS files), when the listing says. */
  sha256: string | null;
};

export type HubDataset = { endpoint: string; repo: string; revision: string; token: string | undefined };

export function hubDataset(repo: string, revision: string, env: NodeJS.ProcessEnv): HubDataset {
  const endpoint = (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, '');
  const token = env.HF_TOKEN === undefined || env.HF_TOKEN === '' ? undefined : env.HF_TOKEN;
  return { endpoint, repo, revision, token };
}

export const authHeaders = (hub: HubDataset): Record<string, string> => (hub.token === undefined ? {} : { authorization: `Bearer ${hub.token}` });

/** The hub's answer to a listing, or the registry error that says what is wrong. */
async function getJson(hub: HubDataset, url: string): Promise<{ body: unknown; next: string | null }> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { ...authHeaders(hub), accept: 'application/json' }, signal: AbortSignal.timeout(60_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new RollcallError('RC_ERR_DATA_UNREACHABLE', { url, detail: cause?.code ?? cause?.message ?? (error as Error).message }, { cause: error });
  }
  if (response.status === 401 || response.status === 403) {
    const tokenNote = hub.token === undefined ? '; no HF_TOKEN was set' : '; the HF_TOKEN sent has no access';
    throw new RollcallError('RC_ERR_DATA_UNAUTHORIZED', { endpoint: hub.endpoint, repo: hub.repo, hubStatus: response.status, tokenNote });
  }
  if (response.status === 404) throw new RollcallError('RC_ERR_DATA_NOT_FOUND', { repo: hub.repo, revision: hub.revision, endpoint: hub.endpoint });
  const text = await response.text();
  if (!response.ok) throw new RollcallError('RC_ERR_DATA_BAD_RESPONSE', { url, detail: `HTTP ${response.status}: ${text.slice(0, 200)}` });
  try {
    const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1] ?? null;
    return { body: JSON.parse(text) as unknown, next };
  } catch (error) {
    throw new RollcallError('RC_ERR_DATA_BAD_RESPONSE', { url, detail: `text that is not JSON: ${text.slice(0, 100)}` }, { cause: error });
  }
}

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

type TreeEntry = { type?: unknown; path?: unknown; size?: unknown; lfs?: { oid?: unknown; size?: unknown } };

/** The dataset's own parquet files, from the recursive tree listing. */
export async function listParquetFiles(hub: HubDataset): Promise<HubFile[]> {
  const files: HubFile[] = [];
  let url: string | null = `${hub.endpoint}/api/datasets/${hub.repo}/tree/${encodeURIComponent(hub.revision)}?recursive=true`;
  while (url !== null) {
    const page: { body: unknown; next: string | null } = await getJson(hub, url);
    if (!Array.isArray(page.body)) throw new RollcallError('RC_ERR_DATA_BAD_RESPONSE', { url, detail: 'a tree listing that is not a list' });
    for (const entry of page.body as TreeEntry[]) {
      if (entry.type !== 'file' || typeof entry.path !== 'string' || !entry.path.endsWith('.parquet')) continue;
      const size = typeof entry.lfs?.size === 'number' ? entry.lfs.size : typeof entry.size === 'number' ? entry.size : null;
      const sha256 = typeof entry.lfs?.oid === 'string' && /^[0-9a-f]{64}$/.test(entry.lfs.oid) ? entry.lfs.oid : null;
      files.push({ path: entry.path, url: `${hub.endpoint}/datasets/${hub.repo}/resolve/${encodeURIComponent(hub.revision)}/${encodePath(entry.path)}`, size, sha256 });
    }
    url = page.next;
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** The viewer's parquet conversion, laid out as `<config>/<split>/<n>.parquet` (a layout the task reader reads). */
export async function listConvertedParquet(hub: HubDataset): Promise<HubFile[]> {
  const url = `${hub.endpoint}/api/datasets/${hub.repo}/parquet`;
  const { body } = await getJson(hub, url);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new RollcallError('RC_ERR_DATA_BAD_RESPONSE', { url, detail: 'a parquet listing that is not an object of configs' });
  const files: HubFile[] = [];
  for (const [config, splits] of Object.entries(body as Record<string, unknown>)) {
    if (splits === null || typeof splits !== 'object') continue;
    for (const [split, urls] of Object.entries(splits as Record<string, unknown>)) {
      if (!Array.isArray(urls)) continue;
      urls.forEach((fileUrl: unknown, index) => {
        if (typeof fileUrl !== 'string') return;
        // Shards are read in name order: zero-padded names keep `10.parquet` after `9.parquet`.
        const number = /\/(\d+)\.parquet(?:[?#]|$)/.exec(fileUrl)?.[1] ?? String(index);
        files.push({ path: `${config}/${split}/${number.padStart(5, '0')}.parquet`, url: fileUrl, size: null, sha256: null });
      });
    }
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
