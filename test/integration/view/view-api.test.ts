import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import type { RolloutDetail, RunDetail, RunSummary, StepPage, StepSummary, TokenOverview, TokenPage } from '../../../view/api/view-wire.ts';
import { startViewServer, type ViewServer } from '../../../view/view-server.ts';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { exampleDataFlags, scriptSelectedTasks } from '../../support/gsm8k-scripts.ts';
import { writeMathAgentConfig } from '../../support/math-agent-config.ts';
import { ADMIN_TOKEN, startProxy } from '../../support/proxy-harness.ts';

/**
 * The log view's API over a real run: `rollcall train` (debug backbone, fake engine) writes a run
 * folder; the view reads it back and must agree with what the trainer wrote — the batch the
 * learner got, the metrics, the recorded calls.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'bin/rollcall.js');
const TOKEN = 'api-test-view-token';
let engine: FakeEngine;
let runsDir: string;
let runDir: string;
let view: ViewServer;
let origin: string;

type BatchLine = { rolloutId: string; sampleId: string; advantage: number; tokens: number[]; lossMask: number[]; advantages: number[] };
const batch = (step: number): BatchLine[] => readFileSync(join(runDir, 'batches', `step_${step}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as BatchLine);

async function api<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${origin}/view/api/${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: response.status, body: (await response.json()) as T };
}

before(async () => {
  engine = await startFakeEngine({ maxModelLen: 8192 });
  scriptSelectedTasks(engine, 2, 4);
  const work = mkdtempSync(join(tmpdir(), 'rollcall-view-api-'));
  runsDir = join(work, 'runs');
  const conf = writeMathAgentConfig(work, { schedule: { steps: 2, tasksPerStep: 2, evalEvery: 2, evalTasks: 2, evalPassK: 1, checkpointEvery: 0 }, rollout: { groupSize: 3, sampling: { temperature: 0.7, topP: 0.9 } } });
  await promisify(execFile)(process.execPath, [CLI, 'train', '--conf', conf, ...exampleDataFlags(), '--backbone', 'debug'], { cwd: ROOT, env: { ...process.env, ROLLCALL_UPSTREAM: engine.url, ROLLCALL_RUNS_DIR: runsDir } });
  const project = join(runsDir, 'gsm8k-math');
  runDir = join(project, readdirSync(project)[0] as string);
  view = await startViewServer({ path: runsDir, host: '127.0.0.1', port: 0, token: TOKEN, pollMs: 50 });
  origin = new URL(view.url).origin;
});

after(async () => {
  await view?.close();
  await engine?.close();
});

const RUN = () => `gsm8k-math/${runDir.split('/').at(-1)}`;
const runApi = () => `runs/${encodeURIComponent(RUN())}`;

test('the runs under a folder, with their steps and metrics as the trainer wrote them', async () => {
  const runs = await api<RunSummary[]>('runs');
  assert.deepEqual(runs.body.map((r) => [r.id, r.steps, r.lastStep, r.hasDatabase]), [[RUN(), 2, 2, true]]);
  const detail = (await api<RunDetail>(runApi())).body;
  const lines = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  assert.deepEqual(detail.metrics.map((m) => m.values['reward/mean']), lines.map((l) => l['reward/mean']));
  assert.ok('val/pass@1' in (detail.metrics[1]?.values ?? {}), 'held-out success is plotted');
  assert.match(detail.configText ?? '', /gatedMathAgent|agentscope-agent/);
  assert.equal(detail.decoder.kind, 'engine');
  assert.deepEqual(detail.sampleOptions, { sharedPrefix: 'train-once' });
  const steps = (await api<StepSummary[]>(`${runApi()}/steps`)).body;
  assert.deepEqual(steps.map((s) => [s.step, s.train.rollouts, s.train.finished, s.validation.rollouts, s.batchSamples]), [[2, 6, 6, 2, batch(2).length], [1, 6, 6, 0, batch(1).length]]);
});

test("a step's rollouts carry the batch's advantages, and sort, filter and search on the server", async () => {
  const page = (await api<StepPage>(`${runApi()}/steps/1/rollouts?sort=reward&order=desc`)).body;
  assert.equal(page.total, 6);
  assert.equal(page.groups.length, 2);
  const rewards = page.rows.map((r) => r.reward as number);
  assert.deepEqual(rewards, [...rewards].sort((a, b) => b - a));
  const trained = new Map(batch(1).map((row) => [row.rolloutId, row.advantage]));
  for (const row of page.rows) assert.equal(row.advantage, trained.get(row.id) ?? null, row.id);
  assert.equal((await api<StepPage>(`${runApi()}/steps/1/rollouts?status=failed`)).body.matched, 0);
  assert.equal((await api<StepPage>(`${runApi()}/steps/1/rollouts?q=EXECUTE_PYTHON`)).body.matched, 6, "every rollout's calls name the tool");
  assert.equal((await api<StepPage>(`${runApi()}/steps/2/rollouts?split=validation`)).body.matched, 2);
  const bad = await api<{ error: { code: string; param: string } }>(`${runApi()}/steps/1/rollouts?limit=0`);
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'RC_ERR_REQUEST_VALIDATION');
});

test('a rollout and its tokens match the batch row the learner got', async () => {
  const row = batch(2)[0] as BatchLine;
  const detail = (await api<RolloutDetail>(`${runApi()}/rollouts/${row.rolloutId}`)).body;
  assert.equal(detail.advantage, row.advantage);
  assert.equal(detail.rollout.step, 2);
  const sample = detail.samples.find((s) => s.sampleId === row.sampleId);
  assert.ok(sample);
  assert.equal(sample.trainedTokens, row.lossMask.filter((m) => m === 1).length);
  assert.equal(sample.length, row.tokens.length);
  assert.ok(detail.transcript.some((e) => e.kind === 'message' && e.role === 'tool' && /stdout/.test(e.content ?? '')), 'the tool result');
  assert.ok(detail.transcript.some((e) => e.kind === 'reply' && e.toolCalls.some((t) => t.name === 'execute_python_code')), 'the tool call');
  assert.deepEqual(detail.calls.map((c) => c.sampling.temperature), detail.calls.map(() => 0.7), "the rollout's sampling, as sent");
  assert.equal(detail.group.length, 3);
  const base = `${runApi()}/rollouts/${row.rolloutId}/samples/${row.sampleId}`;
  const overview = (await api<TokenOverview>(`${base}/overview`)).body;
  assert.equal(overview.mask, row.lossMask.join(''));
  assert.deepEqual(overview.batch, { advantage: row.advantage, lossWeight: 1, matchesStore: true });
  assert.deepEqual(overview.marks.filter((m) => m.kind === 'call').map((m) => m.kind === 'call' && m.seq), [1, 2]);
  const tokens = (await api<TokenPage>(`${base}/tokens?offset=10&limit=50`)).body;
  assert.deepEqual(tokens.ids, row.tokens.slice(10, 60));
  assert.deepEqual(tokens.mask, row.lossMask.slice(10, 60));
  assert.deepEqual(tokens.advantages, row.advantages.slice(10, 60));
  assert.equal(tokens.decoder.kind, 'engine');
  const first = (await api<TokenPage>(`${base}/tokens?limit=1`)).body;
  assert.deepEqual(first.text, ['<|im_start|>'], "decoded by the engine's /detokenize");
  const missing = await api<{ error: { code: string } }>(`${runApi()}/rollouts/ro_nope`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'RC_ERR_VIEW_NOT_FOUND');
});

test('a page listening to a run gets the metrics line of a step as soon as it is written', async () => {
  const detail = (await api<RunDetail>(runApi())).body;
  const controller = new AbortController();
  const response = await fetch(`${origin}/view/api/events?run=${encodeURIComponent(RUN())}&since=${detail.metricsRevision}`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: controller.signal });
  assert.equal(response.headers.get('content-type'), 'text/event-stream');
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  appendFileSync(join(runDir, 'metrics.jsonl'), `${JSON.stringify({ step: 3, time: 1, 'reward/mean': 0.75 })}\n`);
  let text = '';
  while (!text.includes('event: change')) text += new TextDecoder().decode((await reader.read()).value);
  const data = JSON.parse(/data: (.*)/.exec(text.slice(text.indexOf('event: change')))?.[1] ?? 'null') as { metrics: { step: number; values: Record<string, number> }[] };
  assert.deepEqual(data.metrics.map((m) => [m.step, m.values['reward/mean']]), [[3, 0.75]]);
  controller.abort();
});

test('the proxy serves the view of its own database at /view, only with the admin token', async () => {
  const proxy = await startProxy([engine.url]);
  try {
    const created = await proxy.createRollout({ taskId: 'proxy-task', groupId: 'g' });
    const client = new OpenAI({ baseURL: created.baseUrl, apiKey: created.apiKey });
    await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'Say hi.' }], temperature: 0.6 });
    assert.equal((await fetch(`${proxy.url}/view/api/runs`)).status, 401);
    const withKey = await fetch(`${proxy.url}/view/api/runs`, { headers: { authorization: `Bearer ${created.apiKey}` } });
    assert.equal(withKey.status, 401, 'a rollout key does not open the view');
    assert.equal(((await withKey.json()) as { error: { code: string } }).error.code, 'RC_ERR_AUTH_ADMIN_INVALID');
    const page = await fetch(`${proxy.url}/view/api/runs/proxy/steps/none/rollouts`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    const body = (await page.json()) as StepPage;
    assert.deepEqual(body.rows.map((r) => [r.id, r.taskId, r.calls]), [[created.rolloutId, 'proxy-task', 1]]);
    const login = await fetch(`${proxy.url}/view/?token=${ADMIN_TOKEN}`, { redirect: 'manual' });
    assert.equal(login.status, 303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const html = await fetch(`${proxy.url}/view/`, { headers: { cookie } });
    assert.match(await html.text(), /<base href="\/view\/">/);
    assert.equal((await fetch(`${proxy.url}/admin/rollouts`, { headers: { cookie } })).status, 401, "the view's cookie does not open the admin API");
  } finally {
    await proxy.close();
  }
});

test('rollcall view serves a folder until stopped, and refuses a folder that does not exist', async () => {
  const child = spawn(process.execPath, [CLI, 'view', runsDir, '--port', '0'], { cwd: ROOT });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  while (!/log view: (\S+)/.test(out)) await new Promise((wait) => child.stdout.once('data', wait));
  const url = /log view: (\S+)/.exec(out)?.[1] as string;
  assert.match(out, /1 run in /);
  const login = await fetch(url, { redirect: 'manual' });
  assert.equal(login.status, 303);
  const runs = await fetch(new URL('api/runs', new URL(login.headers.get('location') as string, url)), { headers: { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] as string } });
  assert.equal(((await runs.json()) as RunSummary[])[0]?.id, RUN());
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  const missing = await promisify(execFile)(process.execPath, [CLI, 'view', join(runsDir, 'nope')]).catch((error: { code: number; stderr: string }) => error);
  assert.equal((missing as { code: number }).code, 2);
  assert.match((missing as { stderr: string }).stderr, /RC_ERR_VIEW_PATH|no such folder/);
});
