import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { launchChromium } from '../../support/chromium.ts';
import { exampleDataFlags, scriptSelectedTasks } from '../../support/gsm8k-scripts.ts';
import { writeMathAgentConfig } from '../../support/math-agent-config.ts';

/**
 * The log view in a real browser, live beside a real run: `rollcall train --with-logview` trains
 * two debug steps of the math agent against the fake engine; step 2 waits at a gate until the
 * test has looked at step 1. The test goes from the run to a rollout to its tokens by clicking,
 * counts the trained and context tokens on screen against the batch the learner got, then opens
 * the gate and watches the run's chart gain step 2 without the page reloading.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WAIT_MS = 90_000;

let engine: FakeEngine;
let browser: Browser;
let train: ChildProcess;
let work: string;

/** Starts the run; resolves with the printed log view address and the run folder. */
function startTraining(conf: string): Promise<{ url: string; runDir: string; exited: Promise<number | null>; output: () => string }> {
  train = spawn(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'train', '--conf', conf, ...exampleDataFlags(), '--backbone', 'debug', '--with-logview'], {
    cwd: ROOT,
    env: { ...process.env, ROLLCALL_UPSTREAM: engine.url, ROLLCALL_RUNS_DIR: join(work, 'runs'), ROLLCALL_TEST_GATE: join(work, 'gate') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((done) => train.once('exit', (code) => done(code)));
  return new Promise((done, fail) => {
    const look = () => {
      const url = /log view at (\S+)/.exec(out)?.[1];
      const runDir = /run folder (\S+)/.exec(out)?.[1];
      if (url !== undefined && runDir !== undefined) done({ url, runDir, exited, output: () => out });
    };
    train.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      look();
    });
    train.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void exited.then((code) => fail(new Error(`rollcall train exited (${code}) before printing the log view address:\n${out}`)));
  });
}

const pointsOf = (page: Page, metric: string) => page.locator(`figure.chart[data-metric="${metric}"]`).getAttribute('data-points', { timeout: WAIT_MS });

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'rollcall-logview-'));
  engine = await startFakeEngine({ maxModelLen: 8192 });
  scriptSelectedTasks(engine, 2, 4);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  if (train?.exitCode === null) train.kill('SIGTERM');
  await engine?.close();
});

test('train --with-logview: run → rollout → tokens in a browser, live as step 2 finishes', { timeout: 300_000 }, async () => {
  const conf = writeMathAgentConfig(work, {
    workflowModule: `${join(ROOT, 'test/fixtures/workflows/gated-math-agent.ts')}#gatedMathAgent`,
    schedule: { steps: 2, evalEvery: 2, evalTasks: 4, evalPassK: 1, checkpointEvery: 0 },
    rollout: { sampling: { temperature: 0.8, topP: 0.95 } },
  });
  const run = await startTraining(conf);
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // Conditions, not sleeps: every wait and click waits up to this long on a busy machine.
  page.setDefaultTimeout(WAIT_MS);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(run.url);

  // The run page, once step 1's metrics are written (step 2 waits at the gate).
  await page.waitForFunction(() => document.querySelector('figure.chart[data-metric="reward/mean"]')?.getAttribute('data-points') === '1', null, { timeout: WAIT_MS });
  assert.equal(new URL(page.url()).searchParams.get('token'), null, 'the token left the address bar');
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

  // Run → step 1 → its first rollout → the tokens of its first sample, by clicking.
  await page.locator('#run-steps tr[data-step="1"] a').click();
  await page.locator('#rollout-table a[href*="/rollout/"]').first().click();
  await page.locator('table.samples a').first().click();
  const [, rolloutId, sampleId] = /\/rollout\/([^/]+)\/tokens\/([^/?]+)/.exec(decodeURIComponent(page.url())) ?? [];
  assert.ok(rolloutId !== undefined && sampleId !== undefined, page.url());

  const row = readFileSync(join(run.runDir, 'batches', 'step_1.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { rolloutId: string; sampleId: string; lossMask: number[] })
    .find((r) => r.rolloutId === rolloutId && r.sampleId === sampleId);
  assert.ok(row, 'the sample on screen is one the learner got in step 1');
  const trained = row.lossMask.filter((m) => m === 1).length;
  const context = row.lossMask.length - trained;
  await page.waitForFunction((n) => document.querySelectorAll('#token-view .tk').length === n, row.lossMask.length, { timeout: WAIT_MS });
  assert.equal(await page.locator('#token-view .tk.m1').count(), trained, 'trained tokens on screen = mask-1 tokens of the batch row');
  assert.equal(await page.locator('#token-view .tk.m0').count(), context, 'context tokens on screen = mask-0 tokens of the batch row');
  assert.ok(trained > 0 && context > 0);
  const first = page.locator('#token-view .tk.m1').first();
  await first.click();
  await assert.doesNotReject(page.locator('#token-panel dd', { hasText: '1 (trained)' }).waitFor({ timeout: WAIT_MS }));
  await page.screenshot({ path: join(work, 'tokens.png') });

  // Back to the run, open the gate, and watch step 2 arrive on the same page.
  await page.locator('nav.crumbs a').nth(1).click();
  assert.equal(await pointsOf(page, 'reward/mean'), '1');
  writeFileSync(join(work, 'gate'), '');
  await page.waitForFunction(() => document.querySelector('figure.chart[data-metric="reward/mean"]')?.getAttribute('data-points') === '2', null, { timeout: WAIT_MS });
  assert.deepEqual(await page.locator('figure.chart[data-metric="reward/mean"] circle.point').evaluateAll((dots) => dots.map((d) => d.getAttribute('data-step'))), ['1', '2']);
  assert.equal(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), true, 'updated in place, not reloaded');
  await page.screenshot({ path: join(work, 'run.png'), fullPage: true });

  assert.equal(await run.exited, 0, run.output());
  assert.match(run.output(), /done: 2 step\(s\)/);
  assert.deepEqual(errors, []);
});
