import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { readTasks } from '../../../trainer/tasks/read-tasks.ts';
import { startFakeHub, writeGsm8kParquet, type FakeHub } from '../../support/fake-hub.ts';
import { readGsm8k } from '../../support/gsm8k-scripts.ts';
import { CLI } from '../../support/serve-process.ts';

const run = promisify(execFile);
const TOKEN = 'hf_test_token_123';
let hub: FakeHub;
let gsm8k: string;

before(async () => {
  gsm8k = writeGsm8kParquet(mkdtempSync(join(tmpdir(), 'rollcall-hub-gsm8k-')));
  // A dataset the hub holds as CSV: only the viewer's parquet conversion has parquet files.
  const csvOnly = mkdtempSync(join(tmpdir(), 'rollcall-hub-csv-'));
  const conversion = mkdtempSync(join(tmpdir(), 'rollcall-hub-conversion-'));
  mkdirSync(join(conversion, 'default', 'train'), { recursive: true });
  copyFileSync(join(gsm8k, 'main', 'test-00000-of-00001.parquet'), join(conversion, 'default', 'train', '0.parquet'));
  hub = await startFakeHub({ 'openai/gsm8k': { dir: gsm8k }, 'someone/csv-only': { dir: csvOnly, conversion } }, { token: TOKEN });
});
after(async () => {
  await hub.close();
});

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function dataGet(args: string[], env: Record<string, string> = { HF_TOKEN: TOKEN }) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'data', 'get', ...args], { env: { ...process.env, HF_ENDPOINT: hub.url, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('rollcall data get openai/gsm8k downloads the parquet files the task reader reads, with the token, through every listing page', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'rollcall-data-')), 'gsm8k');
  const result = await dataGet(['openai/gsm8k', '--dir', dir]);
  assert.equal(result.code, 0, result.stderr);
  for (const split of ['train', 'test']) {
    const file = join(dir, 'main', `${split}-00000-of-00001.parquet`);
    assert.equal(sha256(file), sha256(join(gsm8k, 'main', `${split}-00000-of-00001.parquet`)));
  }
  assert.ok(!existsSync(join(dir, 'README.md')), 'parquet files only');
  assert.deepEqual(readdirSync(join(dir, 'main')).sort(), ['test-00000-of-00001.parquet', 'train-00000-of-00001.parquet'], 'no partial file left');
  assert.ok(hub.requests.filter((r) => r.url.includes('/tree/main')).length >= 2, 'followed the Link header to the next page');
  assert.ok(hub.requests.filter((r) => r.url.startsWith('/api/') || r.url.startsWith('/datasets/')).every((r) => r.authorization === `Bearer ${TOKEN}`), 'HF_TOKEN sent as a Bearer token');
  assert.match(result.stdout, /splits: main\/test, main\/train/);
  assert.match(result.stdout, /tasks: \{ train: \{ type: huggingface, path: .*gsm8k, config: main, split: train \} \}/);
  const tasks = await readTasks({ type: 'huggingface', path: dir, config: 'main', split: 'train' }, '/');
  const rows = readGsm8k('train');
  assert.equal(tasks.length, rows.length);
  assert.equal(tasks[17]?.query, rows[17]?.question);
  assert.equal(tasks[17]?.referenceAnswer, rows[17]?.answer);

  const again = await dataGet(['openai/gsm8k', '--dir', dir]);
  assert.equal(again.code, 0);
  assert.match(again.stderr, /already here/, 'a second run keeps complete files');
});

test('an interrupted download resumes with a Range request and ends byte-identical', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-data-resume-'));
  hub.breakNextTransferAfter(300_000);
  const broken = await dataGet(['openai/gsm8k', '--dir', dir]);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /^rollcall data: Could not reach .*: the connection broke after \d+ bytes \(run again to resume\)\n  hint: .*resumes where it stopped/m);
  assert.doesNotMatch(broken.stderr, /\n\s+at /, 'no stack trace');
  const partial = readdirSync(join(dir, 'main')).find((name) => name.endsWith('.partial'));
  assert.ok(partial, 'the bytes received are kept in a .partial file, not under the final name');
  const before = hub.requests.length;
  const resumed = await dataGet(['openai/gsm8k', '--dir', dir]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.ok(hub.requests.slice(before).some((r) => /^bytes=\d+-$/.test(r.range ?? '') && r.range !== 'bytes=0-'), 'asked for the rest only');
  assert.match(resumed.stderr, /resumed/);
  for (const split of ['train', 'test']) assert.equal(sha256(join(dir, 'main', `${split}-00000-of-00001.parquet`)), sha256(join(gsm8k, 'main', `${split}-00000-of-00001.parquet`)));
});

test('a dataset without parquet files comes from the hub\'s parquet conversion, in a layout the reader reads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-data-conv-'));
  const result = await dataGet(['someone/csv-only', '--dir', dir]);
  assert.equal(result.code, 0, result.stderr);
  assert.ok(existsSync(join(dir, 'default', 'train', '00000.parquet')));
  const tasks = await readTasks({ type: 'huggingface', path: dir, config: 'default', split: 'train' }, '/');
  assert.equal(tasks.length, readGsm8k('test').length);
});

test('no token, an unknown dataset and a bad name end in one line with the fix', async () => {
  const noToken = await dataGet(['openai/gsm8k', '--dir', mkdtempSync(join(tmpdir(), 'rollcall-data-x-'))], { HF_TOKEN: '' });
  assert.equal(noToken.code, 1);
  assert.match(noToken.stderr, /refused access to openai\/gsm8k \(HTTP 401\); no HF_TOKEN was set\n  hint: .*set HF_TOKEN/);
  const unknown = await dataGet(['openai/gsm9k', '--dir', mkdtempSync(join(tmpdir(), 'rollcall-data-y-'))]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /No dataset openai\/gsm9k at revision main on http:\/\/127\.0\.0\.1:\d+\n  hint: /);
  const usage = await dataGet(['not a name']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage: rollcall data get REPO/);
});
