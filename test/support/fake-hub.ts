/**
 * A local stand-in for the Hugging Face hub's dataset routes (the shapes `huggingface_hub` reads;
 * see cli/data/hub-client.ts): the recursive tree listing in pages joined by `Link: rel="next"`,
 * `resolve/` answered with a 302 to a file route that honours `Range` (as the hub's CDN does), and
 * the viewer's `/parquet` listing. Repositories are folders of real files; LFS entries carry the
 * sha256 and size of their content. Faults: a token the hub demands, a transfer that breaks after
 * some bytes.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { parquetWriteFile } from 'hyparquet-writer';
import { GSM8K_DIR } from './gsm8k-scripts.ts';

/** `dir`: the repository's files; `conversion`: the viewer's parquet branch, `<config>/<split>/<n>.parquet`. */
export type HubRepo = { dir: string; conversion?: string };

export type FakeHub = {
  url: string;
  /** Every request: method, path with query, and the headers that matter. */
  requests: { method: string; url: string; authorization?: string; range?: string }[];
  /** Closes the connection of the next file transfer after this many bytes. */
  breakNextTransferAfter(bytes: number): void;
  close(): Promise<void>;
};

/** GSM8K's two splits written as the hub holds them: `main/{train,test}-00000-of-00001.parquet`. */
export function writeGsm8kParquet(root: string): string {
  mkdirSync(join(root, 'main'), { recursive: true });
  for (const split of ['train', 'test']) {
    const rows = readFileSync(join(GSM8K_DIR, `${split}.jsonl`), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { question: string; answer: string });
    parquetWriteFile({
      filename: join(root, 'main', `${split}-00000-of-00001.parquet`),
      columnData: [
        { name: 'question', data: rows.map((r) => r.question), type: 'STRING' },
        { name: 'answer', data: rows.map((r) => r.answer), type: 'STRING' },
      ],
    });
  }
  writeFileSync(join(root, 'README.md'), '---\nlicense: mit\n---\n# gsm8k\n');
  return root;
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? [relative(base, join(dir, entry.name)), ...walk(join(dir, entry.name), base)] : [relative(base, join(dir, entry.name))]));
}

function treeEntries(repo: HubRepo): unknown[] {
  return walk(repo.dir).sort().map((path) => {
    const full = join(repo.dir, path);
    if (statSync(full).isDirectory()) return { type: 'directory', oid: createHash('sha1').update(path).digest('hex'), size: 0, path };
    const bytes = readFileSync(full);
    const sha1 = createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
    if (!path.endsWith('.parquet')) return { type: 'file', oid: sha1, size: bytes.length, path };
    return { type: 'file', oid: sha1, size: 134, path, lfs: { oid: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, pointerSize: 134 } };
  });
}

const PAGE = 2;

export async function startFakeHub(repos: Record<string, HubRepo>, options: { token?: string } = {}): Promise<FakeHub> {
  const requests: FakeHub['requests'] = [];
  let breakAfter: number | null = null;
  let base = '';

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const sendFile = (req: IncomingMessage, res: ServerResponse, file: string) => {
    const bytes = readFileSync(file);
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range === null ? 0 : Number(range[1]);
    if (start >= bytes.length && range !== null) {
      res.writeHead(416, { 'content-range': `bytes */${bytes.length}` });
      return void res.end();
    }
    const body = bytes.subarray(start);
    res.writeHead(range === null ? 200 : 206, { 'content-type': 'application/octet-stream', 'content-length': String(body.length), 'accept-ranges': 'bytes', ...(range === null ? {} : { 'content-range': `bytes ${start}-${bytes.length - 1}/${bytes.length}` }) });
    if (breakAfter === null) return void res.end(body);
    const cut = breakAfter;
    breakAfter = null;
    res.write(body.subarray(0, cut), () => res.destroy());
  };

  /** `{ config: { split: [url, …] } }`, the files numbered as the viewer numbers them. */
  const conversionListing = (name: string, dir: string): Record<string, Record<string, string[]>> =>
    Object.fromEntries(readdirSync(dir).map((config) => [config, Object.fromEntries(readdirSync(join(dir, config)).map((split) => [split, readdirSync(join(dir, config, split)).sort().map((file) => `${base}/api/datasets/${name}/parquet/${config}/${split}/${file}`)]))]));

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', base);
    requests.push({ method: req.method ?? 'GET', url: `${url.pathname}${url.search}`, ...(req.headers.authorization === undefined ? {} : { authorization: req.headers.authorization }), ...(req.headers.range === undefined ? {} : { range: req.headers.range }) });
    const cdn = /^\/(cdn|cdn-conversion)\/([^/]+\/[^/]+)\/(.+)$/.exec(url.pathname);
    if (cdn !== null) {
      const held = repos[decodeURIComponent(cdn[2] as string)];
      return sendFile(req, res, join((cdn[1] === 'cdn' ? held?.dir : held?.conversion) ?? '/nonexistent', decodeURIComponent(cdn[3] as string)));
    }
    if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { error: 'Invalid credentials in Authorization header' });
    const tree = /^\/api\/datasets\/([^/]+\/[^/]+)\/tree\/([^/]+)$/.exec(url.pathname);
    const resolve = /^\/datasets\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const parquet = /^\/api\/datasets\/([^/]+\/[^/]+)\/parquet$/.exec(url.pathname);
    const converted = /^\/api\/datasets\/([^/]+\/[^/]+)\/parquet\/([^/]+)\/([^/]+)\/(\d+)\.parquet$/.exec(url.pathname);
    const name = decodeURIComponent((tree ?? resolve ?? parquet ?? converted)?.[1] ?? '');
    const repo = repos[name];
    if (repo === undefined || (tree !== null && tree[2] !== 'main') || (resolve !== null && resolve[2] !== 'main')) return json(res, 404, { error: 'Repository not found' });
    if (tree !== null) {
      if (url.searchParams.get('recursive') !== 'true') return json(res, 400, { error: 'this fake lists recursively only' });
      const entries = treeEntries(repo);
      const cursor = Number(url.searchParams.get('cursor') ?? 0);
      const next: Record<string, string> = cursor + PAGE < entries.length ? { link: `<${base}${url.pathname}?recursive=true&cursor=${cursor + PAGE}>; rel="next"` } : {};
      return json(res, 200, entries.slice(cursor, cursor + PAGE), next);
    }
    if (resolve !== null) {
      res.writeHead(302, { location: `${base}/cdn/${name}/${resolve[3]}` });
      return void res.end();
    }
    if (parquet !== null) return repo.conversion === undefined ? json(res, 404, { error: 'no parquet conversion' }) : json(res, 200, conversionListing(name, repo.conversion));
    if (converted !== null) {
      res.writeHead(302, { location: `${base}/cdn-conversion/${name}/${converted[2]}/${converted[3]}/${converted[4]}.parquet` });
      return void res.end();
    }
    return json(res, 404, { error: 'not found' });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    breakNextTransferAfter: (bytes) => {
      breakAfter = bytes;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
