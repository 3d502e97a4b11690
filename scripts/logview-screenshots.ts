/**
 * Regenerates the log view screenshots in docs/logview/: trains two short debug runs of the math
 * agent against the fake engine (no GPU, no network), serves them with the log view and takes a
 * picture of each page in Debian's chromium.
 *
 *   npm run build && node --import tsx scripts/logview-screenshots.ts
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeEngine } from '../test/fake-engine/server.ts';
import { launchChromium } from '../test/support/chromium.ts';
import { scriptSelectedTasks } from '../test/support/gsm8k-scripts.ts';
import { writeMathAgentConfig } from '../test/support/math-agent-config.ts';
import { startViewServer } from '../view/view-server.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUT = join(ROOT, 'docs/logview');
const STEPS = 4;

async function train(engineUrl: string, work: string, runsDir: string, temperature: number): Promise<void> {
  const dir = mkdtempSync(join(work, 'conf-'));
  const conf = writeMathAgentConfig(dir, { schedule: { steps: STEPS, evalEvery: 2, evalTasks: 4, evalPassK: 2, checkpointEvery: 0 }, rollout: { sampling: { temperature, topP: 0.95 } } });
  await promisify(execFile)(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'train', '--conf', conf, '--backbone', 'debug'], { cwd: ROOT, env: { ...process.env, ROLLCALL_UPSTREAM: engineUrl, ROLLCALL_RUNS_DIR: runsDir } });
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'rollcall-screenshots-'));
  const runsDir = join(work, 'runs');
  const engine = await startFakeEngine({ maxModelLen: 8192 });
  scriptSelectedTasks(engine, STEPS, 4);
  await train(engine.url, work, runsDir, 1.0);
  await train(engine.url, work, runsDir, 0.7);
  const view = await startViewServer({ path: runsDir, host: '127.0.0.1', port: 0 });
  const browser = await launchChromium();
  mkdirSync(OUT, { recursive: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const shot = async (name: string, hash: string | null, ready: string, fullPage = false) => {
      if (hash !== null) await page.evaluate((h) => (location.hash = h), hash);
      await page.waitForSelector(ready);
      await page.mouse.move(0, 0);
      await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
      process.stdout.write(`docs/logview/${name}.png\n`);
    };
    await page.goto(view.url);
    await shot('runs', null, 'figure.chart');
    const runId = `gsm8k-math/${readdirSync(join(runsDir, 'gsm8k-math')).sort()[0]}`;
    const run = `#/run/${encodeURIComponent(runId)}`;
    await shot('run', run, '#run-steps table');
    await shot('step', `${run}/step/2`, '#rollout-table');
    const rolloutHref = (await page.locator('#rollout-table a[href*="/rollout/"]').nth(4).getAttribute('href')) as string;
    await shot('rollout', rolloutHref, '.transcript', true);
    await page.locator('table.samples a').first().click();
    await page.waitForSelector('#token-view .tk.m1');
    await page.locator('#token-view .tk.m1').nth(3).click();
    await shot('tokens', null, '#token-panel dl');
    const compare = (await page.evaluate(() => [...document.querySelectorAll('a')].map((a) => a.getAttribute('href') ?? '').find((h) => h.includes('/compare/')))) ?? null;
    const step2 = `${run}/step/2`;
    await page.evaluate((h) => (location.hash = h), step2);
    await page.waitForSelector('#rollout-table');
    const bestVsWorst = (await page.locator('tr.group-row a').first().getAttribute('href')) ?? compare;
    await shot('compare', bestVsWorst, '.compare-cols');
  } finally {
    await browser.close();
    await view.close();
    await engine.close();
  }
}

await main();
