import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { exampleDataFlags, scriptSelectedTasks } from '../../support/gsm8k-scripts.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'bin/rollcall.js');
let engine: FakeEngine;
let runsDir: string;

before(async () => {
  engine = await startFakeEngine({ maxModelLen: 8192 });
  scriptSelectedTasks(engine, 1, 4);
  runsDir = mkdtempSync(join(tmpdir(), 'rollcall-eval-'));
});
after(async () => {
  await engine.close();
});

const env = () => ({ ...process.env, ROLLCALL_UPSTREAM: engine.url, ROLLCALL_RUNS_DIR: runsDir });

test('rollcall export writes every training sample of a run with its reward', async () => {
  await run(process.execPath, [CLI, 'train', '--conf', 'examples/math-agent/openai-sdk.yaml', ...exampleDataFlags(), '--backbone', 'debug', '--steps', '1'], { cwd: ROOT, env: env() });
  const project = join(runsDir, 'gsm8k-math');
  const dir = join(project, readdirSync(project).find((n) => n.startsWith('openai-sdk-')) as string);
  const out = join(dir, 'export.jsonl');
  const { stderr } = await run(process.execPath, [CLI, 'export', '--run', dir, '--out', out], { cwd: ROOT });
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.match(stderr, new RegExp(`${lines.length} samples from 16 rollouts`));
  assert.equal(lines.length, 16, 'one merged sample per rollout');
  for (const line of lines) {
    const tokens = line.tokens as number[];
    assert.equal((line.lossMask as number[]).length, tokens.length);
    assert.ok(line.reward === 0 || line.reward === 1);
    assert.equal(typeof line.taskId, 'string');
  }
  assert.equal(lines.filter((l) => l.reward === 1).length, 8);
  await assert.rejects(run(process.execPath, [CLI, 'export', '--run', join(dir, 'nope')], { cwd: ROOT }), /no database at/);
});

test('rollcall eval reports pass@1 and pass@k of the validation tasks without training', async () => {
  const { stdout } = await run(process.execPath, [CLI, 'eval', '--conf', 'examples/math-agent/openai-sdk.yaml', ...exampleDataFlags(), '--backbone', 'debug', '--tasks', '3', '--pass-k', '2'], { cwd: ROOT, env: env() });
  assert.match(stdout, /eval: 3 tasks × 2: pass@1 0\.000, pass@2 0\.000/);
  const project = join(runsDir, 'gsm8k-math');
  const dir = join(project, readdirSync(project).find((n) => n.startsWith('openai-sdk-eval-')) as string);
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim()) as Record<string, number>;
  assert.equal(metrics['val/tasks'], 3);
  assert.equal(metrics['val/rollouts/count'], 6);
  assert.ok('val/pass@2' in metrics);
});

test('the config.yaml a run writes works from any directory, with nothing else given', async () => {
  const project = join(runsDir, 'gsm8k-math');
  const trained = join(project, readdirSync(project).find((n) => n.startsWith('openai-sdk-') && !n.includes('-eval-')) as string);
  const elsewhere = mkdtempSync(join(tmpdir(), 'rollcall-elsewhere-'));
  const { ROLLCALL_UPSTREAM: _u, ROLLCALL_RUNS_DIR: _r, ...bare } = process.env;
  const { stdout } = await run(process.execPath, [CLI, 'eval', '--conf', join(trained, 'config.yaml'), '--backbone', 'debug', '--tasks', '2', '--pass-k', '1', '--set', `runsDir=${elsewhere}/runs`], { cwd: elsewhere, env: bare });
  assert.match(stdout, /eval: 2 tasks × 1: pass@1 /);
  assert.ok(readdirSync(join(elsewhere, 'runs', 'gsm8k-math')).some((n) => n.startsWith('openai-sdk-eval-')));
});

test('rollcall eval without --checkpoint never waits for a learner, keeps 16 rollouts in flight without a listener warning, and labels its progress', async () => {
  // openai-sdk.yaml trains on a worker at :8000; nothing listens there, and eval without a checkpoint needs none.
  const child = run(process.execPath, [CLI, 'eval', '--conf', 'examples/math-agent/openai-sdk.yaml', ...exampleDataFlags(), '--tasks', '4', '--pass-k', '4'], { cwd: ROOT, env: env() });
  const { stdout, stderr } = await child;
  assert.match(stdout, /eval: 4 tasks × 4: pass@1 /);
  assert.doesNotMatch(stderr, /waiting for the learner/);
  assert.doesNotMatch(stderr, /MaxListenersExceededWarning/);
  assert.match(stderr, /^eval \| validation rollouts 0\/16 \|/m);
  assert.match(stderr, /^eval \| validation rollouts 16\/16 \|/m);
});
