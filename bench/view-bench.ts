/**
 * The log view on a step of 1,024 rollouts and a 32,768-token sample (bench/view-run.ts), each
 * figure beside a baseline measured in the same run:
 *
 * - Step page (one page of 100 rollouts, sorted by reward, with groups and counts) over HTTP, first
 *   and again, vs the store's own paged listing of the same 1,024 records (what
 *   `GET /admin/rollouts` reads).
 * - Rollout page and token overview of the 32k rollout, first (samples rebuilt) and again (memo),
 *   vs the trainer's own cost for that rollout: read its calls, build its samples.
 * - A page of 2,048 tokens decoded with a tokenizer.json (qwen2-tiny fixture), vs the same page as ids.
 * - Indexing the step's batch file, vs parsing every row of it as JSON.
 * - In chromium: the Tokens page of the 32k sample until tokens show, and how many token elements
 *   the page holds (virtualised), vs building all 32,768 token elements at once on the same page.
 *
 * `npm run bench:view` (about a minute) prints the table and writes bench/VIEW-RESULTS.md.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { batchFilePath } from '../src/run/run-layout.ts';
import { openStoreReadOnly } from '../src/store/store.ts';
import { buildSamples, toSampleCalls } from '../src/trajectory/index.ts';
import { indexBatchFile } from '../view/sources/batch-index.ts';
import { startViewServer } from '../view/view-server.ts';
import { median } from './stats.ts';
import { LONG_ROLLOUT, LONG_TOKENS, STEP_ROLLOUTS, writeViewRun } from './view-run.ts';

const ROUNDS = 7;
const TOKEN = 'bench-view-token';
const TOKENIZER = fileURLToPath(new URL('../test/fixtures/tokenizers/qwen2-tiny/', import.meta.url));
const CHROMIUM = process.env.ROLLCALL_CHROMIUM ?? '/usr/bin/chromium';

type Row = { what: string; view: number; baseline: number; baselineWhat: string; unit: string };

async function timeMs(fn: () => Promise<unknown> | unknown): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

async function medianMs(fn: () => Promise<unknown> | unknown, rounds = ROUNDS): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) times.push(await timeMs(fn));
  return median(times);
}

async function serverCells(dir: string, rows: Row[]): Promise<void> {
  const withIds = await startViewServer({ path: dir, host: '127.0.0.1', port: 0, token: TOKEN });
  const withTokenizer = await startViewServer({ path: dir, host: '127.0.0.1', port: 0, token: TOKEN, tokenizerDir: TOKENIZER });
  const get = (server: typeof withIds, path: string) => async () => {
    const response = await fetch(`${new URL(server.url).origin}/view/api/runs/benchrun/${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const store = openStoreReadOnly(join(dir, 'trajectories.db'));
  try {
    const listAll = () => {
      let after: { createdAt: number; id: string } | undefined;
      for (;;) {
        const page = store.rollouts.list({ limit: 1000, after });
        const last = page.at(-1);
        if (last === undefined || page.length < 1000) return;
        after = { createdAt: last.createdAt, id: last.id };
      }
    };
    const trainerCost = () => buildSamples(toSampleCalls(store.calls.listForRollout(LONG_ROLLOUT)));
    const listing = await medianMs(listAll);
    await get(withIds, 'steps')(); // opens the database and indexes the batch file
    const stepPage = get(withIds, 'steps/1/rollouts?sort=reward&order=desc');
    rows.push({ what: `Step page: 100 of ${STEP_ROLLOUTS} rollouts by reward, groups, counts; rows built`, view: await timeMs(stepPage), baseline: listing, baselineWhat: 'store lists the 1,024 records', unit: 'ms' });
    rows.push({ what: 'Step page again, run unchanged (rows kept)', view: await medianMs(stepPage), baseline: listing, baselineWhat: 'store lists the 1,024 records', unit: 'ms' });
    rows.push({ what: 'Step page with a text search over every call', view: await medianMs(get(withIds, 'steps/1/rollouts?q=printed%2042')), baseline: listing, baselineWhat: 'store lists the 1,024 records', unit: 'ms' });
    const build = await medianMs(trainerCost);
    rows.push({ what: 'Rollout page of the 32k rollout, first time (samples rebuilt)', view: await timeMs(get(withIds, `rollouts/${LONG_ROLLOUT}`)), baseline: build, baselineWhat: 'trainer: read calls + build samples', unit: 'ms' });
    rows.push({ what: 'Rollout page of the 32k rollout, again', view: await medianMs(get(withIds, `rollouts/${LONG_ROLLOUT}`)), baseline: build, baselineWhat: 'trainer: read calls + build samples', unit: 'ms' });
    const sample = (await get(withIds, `rollouts/${LONG_ROLLOUT}`)() as { samples: { sampleId: string }[] }).samples[0]?.sampleId as string;
    const base = `rollouts/${LONG_ROLLOUT}/samples/${sample}`;
    rows.push({ what: 'Token overview of the 32k sample (mask, confidence, marks)', view: await medianMs(get(withIds, `${base}/overview`)), baseline: build, baselineWhat: 'trainer: read calls + build samples', unit: 'ms' });
    const idsPage = await medianMs(get(withIds, `${base}/tokens?offset=16384&limit=2048`));
    const decoded = await timeMs(get(withTokenizer, `${base}/tokens?offset=16384&limit=2048`));
    rows.push({ what: '2,048 tokens decoded with tokenizer.json, first time', view: decoded, baseline: idsPage, baselineWhat: 'the same page as ids', unit: 'ms' });
    rows.push({ what: '2,048 tokens decoded with tokenizer.json, again', view: await medianMs(get(withTokenizer, `${base}/tokens?offset=16384&limit=2048`)), baseline: idsPage, baselineWhat: 'the same page as ids', unit: 'ms' });
  } finally {
    store.close();
    await withIds.close();
    await withTokenizer.close();
  }
  const file = batchFilePath({ batchesDir: join(dir, 'batches') } as Parameters<typeof batchFilePath>[0], 1);
  const parseAll = () => readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as unknown);
  rows.push({ what: `Index the step's batch file (${STEP_ROLLOUTS + 1} rows)`, view: await medianMs(() => indexBatchFile(1, file), 3), baseline: await medianMs(parseAll, 3), baselineWhat: 'JSON.parse every row', unit: 'ms' });
}

async function browserCells(dir: string, rows: Row[]): Promise<{ elements: number }> {
  const server = await startViewServer({ path: dir, host: '127.0.0.1', port: 0, token: TOKEN, tokenizerDir: TOKENIZER });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(server.url);
    const sample = ((await (await fetch(`${new URL(server.url).origin}/view/api/runs/benchrun/rollouts/${LONG_ROLLOUT}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as { samples: { sampleId: string }[] }).samples[0]?.sampleId;
    const times: number[] = [];
    let elements = 0;
    for (let i = 0; i < 3; i++) {
      await page.evaluate(() => (location.hash = '#/run/benchrun'));
      await page.waitForSelector('#run-steps');
      const started = performance.now();
      await page.evaluate((hash) => (location.hash = hash), `#/run/benchrun/rollout/${LONG_ROLLOUT}/tokens/${sample}`);
      await page.waitForSelector('#token-view .tk');
      times.push(performance.now() - started);
      elements = await page.locator('#token-view .tk').count();
    }
    const all = await page.evaluate((n) => {
      const started = performance.now();
      const box = document.createElement('div');
      box.className = 'tokens';
      for (let i = 0; i < n; i++) {
        const span = document.createElement('span');
        span.className = `tk m${i % 3 === 0 ? 0 : 1} p${i % 10}`;
        span.textContent = `t${i % 97} `;
        box.appendChild(span);
      }
      document.body.appendChild(box);
      void box.offsetHeight;
      const elapsed = performance.now() - started;
      box.remove();
      return elapsed;
    }, LONG_TOKENS);
    rows.push({ what: `Tokens page of the 32k sample, in chromium, until tokens show (${elements} of ${LONG_TOKENS} token elements in the page)`, view: median(times), baseline: all, baselineWhat: `all ${LONG_TOKENS} token elements built and laid out at once`, unit: 'ms' });
    return { elements };
  } finally {
    await browser.close();
    await server.close();
  }
}

function table(rows: Row[]): string {
  const lines = ['| measure | view | baseline | ratio | baseline is |', '|---|---:|---:|---:|---|'];
  for (const r of rows) lines.push(`| ${r.what} | ${r.view.toFixed(1)} ${r.unit} | ${r.baseline.toFixed(1)} ${r.unit} | ${(r.view / r.baseline).toFixed(2)} | ${r.baselineWhat} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const dir = join(mkdtempSync(join(tmpdir(), 'rollcall-view-bench-')), 'benchrun');
  const built = await timeMs(() => writeViewRun(dir));
  process.stdout.write(`synthetic run written in ${(built / 1000).toFixed(1)} s: ${dir}\n`);
  const rows: Row[] = [];
  await serverCells(dir, rows);
  await browserCells(dir, rows);
  const text = table(rows);
  process.stdout.write(`${text}\n`);
  const out = fileURLToPath(new URL('VIEW-RESULTS.md', import.meta.url));
  writeFileSync(out, `# Log view bench\n\n\`npm run bench:view\` on ${new Date().toISOString().slice(0, 10)}, ${process.version}, medians of ${ROUNDS} (3 for the batch file and the browser). A step of ${STEP_ROLLOUTS} rollouts (4-turn tool loops, ≈1.3k tokens each) and one rollout with a ${LONG_TOKENS}-token sample (16 turns), built by bench/view-run.ts. Ratio = view / baseline, measured in the same run.\n\n${text}\n`);
  process.stdout.write(`→ ${out}\n`);
}

await main();
