import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { openStore } from '../../../src/store/store.ts';
import { buildSamples, toSampleCalls } from '../../../src/trajectory/index.ts';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { startFakeLearner, type FakeLearner } from '../../fake-learner/fake-learner.ts';
import { GSM8K_DIR, scriptSelectedTasks } from '../../support/gsm8k-scripts.ts';
import { ADMIN_TOKEN, startProxy, type Harness } from '../../support/proxy-harness.ts';
import { spawnServe, stopServe, type ServeProcess } from '../../support/serve-process.ts';

/**
 * `rollcall train` over two proxies (`proxy.urls`), each with its own SQLite file, in front of the
 * fake engine, with the fake learner colocated (so both proxies are paused and resumed around
 * every step): rollouts spread over both, each read back from the proxy that recorded it, policy
 * versions exact on both; and a proxy killed in the middle of a step.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'bin/rollcall.js');
const WORKFLOW = `{ type: module, module: ${join(ROOT, 'examples/math-agent/openai-sdk-agent.ts')}#mathAgent }`;
let dir: string;
let engine: FakeEngine;
const closers: (() => Promise<unknown>)[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rollcall-proxies-'));
  engine = await startFakeEngine({ maxModelLen: 8192 });
  scriptSelectedTasks(engine, 2, 2);
});
after(async () => {
  for (const close of closers) await close();
  await engine.close();
});

function writeConfig(name: string, urls: string[], rollout: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `project: proxies
proxy: { urls: [${urls.map((u) => `'${u}'`).join(', ')}], adminToken: ${ADMIN_TOKEN} }
tasks:
  train: { type: jsonl, path: ${GSM8K_DIR}train.jsonl }
  selector: { type: shuffle, seed: 42 }
workflow: ${WORKFLOW}
rollout: { groupSize: 4, concurrency: 4, model: fake-model, sampling: { temperature: 0.7 }, ${rollout} }
schedule: { tasksPerStep: 2, checkpointEvery: 0 }
learner: { type: worker, colocated: true }
`,
  );
  return file;
}

/** Two steps with a learner of its own (its policy version starts at 0). */
async function train(conf: string) {
  const learner: FakeLearner = await startFakeLearner();
  closers.push(() => learner.close());
  return run(process.execPath, [CLI, 'train', '--conf', conf, '--steps', '2'], { cwd: dir, env: { ...process.env, ROLLCALL_LEARNER_URL: learner.url } });
}

const runDirOf = (name: string): string => {
  const runs = join(dir, 'runs', 'proxies');
  return join(runs, readdirSync(runs).find((n) => n.startsWith(name))!);
};

type Recorded = { id: string; groupId: string; status: string; versions: string };

/** The policy rollouts a proxy's database holds, with the policy versions of their calls. */
function recorded(file: string): Recorded[] {
  const db = new Database(file, { readonly: true });
  const rows = db
    .prepare("SELECT r.id, r.group_id AS groupId, r.status, COALESCE(GROUP_CONCAT(DISTINCT c.policy_version), '') AS versions FROM rollouts r LEFT JOIN calls c ON c.rollout_id = r.id WHERE r.engine = 'policy' GROUP BY r.id")
    .all() as Recorded[];
  db.close();
  return rows;
}

const stepOf = (groupId: string): number => Number(/^step(\d+)-/.exec(groupId)?.[1]);

test('a run spread over two proxies: rollouts on each, samples read back from the proxy that recorded them, versions exact on both', async () => {
  const files = [join(dir, 'a.db'), join(dir, 'b.db')];
  const proxies: Harness[] = [];
  for (const file of files) proxies.push(await startProxy([engine.url], { engine: { mode: 'token' } as never }, openStore(file)));
  closers.push(...proxies.map((p) => () => p.close()));
  const { stdout } = await train(writeConfig('spread', proxies.map((p) => `${p.url}/v1`), 'maxFailureRate: 0'));
  assert.match(stdout, /done: 2 step\(s\)/);

  const [a, b] = files.map(recorded) as [Recorded[], Recorded[]];
  for (const step of [1, 2]) {
    const counts = [a, b].map((rows) => rows.filter((r) => stepOf(r.groupId) === step).length);
    assert.deepEqual(counts, [4, 4], `step ${step}: 2 tasks × 4 attempts, balanced over the two proxies (concurrency 4)`);
  }
  const ids = new Set(a.map((r) => r.id));
  assert.ok(b.every((r) => !ids.has(r.id)), 'no rollout is recorded twice');
  for (const row of [...a, ...b]) {
    assert.equal(row.status, 'finished', `${row.id} was closed on the proxy that recorded it`);
    assert.equal(row.versions, String(stepOf(row.groupId) - 1), `${row.groupId}: calls of step n are recorded at policy version n - 1 on both proxies`);
  }

  // Every trained sample is the one the proxy holding its rollout builds: the trainer read it there.
  const stores = files.map((file) => openStore(file));
  const runDir = runDirOf('spread');
  let rows = 0;
  for (const step of [1, 2]) {
    for (const line of readFileSync(join(runDir, 'batches', `step_${step}.jsonl`), 'utf8').trim().split('\n')) {
      const row = JSON.parse(line) as { rolloutId: string; sampleId: string; tokens: number[]; logprobs: number[] };
      const store = stores.find((s) => s.rollouts.get(row.rolloutId) != null)!;
      const sample = buildSamples(toSampleCalls(store.calls.listForRollout(row.rolloutId))).samples.find((s) => s.sampleId === row.sampleId);
      assert.deepEqual([row.tokens, row.logprobs], [sample?.tokens, sample?.logprobs], `${row.rolloutId}/${row.sampleId}`);
      rows += 1;
    }
  }
  for (const store of stores) store.close();
  assert.ok(rows >= 8, `${rows} rows trained`);

  // One export over both databases holds every rollout of the run.
  const out = join(dir, 'spread.jsonl');
  const exported = await run(process.execPath, [CLI, 'export', '--db', files[0]!, '--db', files[1]!, '--out', out], { cwd: dir });
  assert.match(exported.stderr, /samples from 16 rollouts in 2 databases/);
  const exportedIds = new Set(readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { rolloutId: string }).rolloutId));
  assert.deepEqual([...exportedIds].sort(), [...a, ...b].map((r) => r.id).sort());

  for (const proxy of proxies) assert.deepEqual((await proxy.admin('GET', '/admin/policy')).body, { version: 2, paused: false, inFlight: 0, waiting: 0, pausedAt: null });
  const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  assert.deepEqual(metrics.map((m) => m['policy/version']), [1, 2]);
});

/** Two `rollcall serve` processes with their own databases; the test kills one while step 1's first four calls wait in the engine. */
async function serveTwo(name: string): Promise<{ serves: ServeProcess[]; files: string[] }> {
  const files = [join(dir, `${name}-a.db`), join(dir, `${name}-b.db`)];
  const serves: ServeProcess[] = [];
  for (const file of files) serves.push(await spawnServe(['--upstream', engine.url, '--mode', 'token', '--db', file, '--admin-token-file', join(dir, 'token')], { ROLLCALL_ADMIN_TOKEN: ADMIN_TOKEN }));
  closers.push(...serves.map((s) => () => stopServe(s)));
  return { serves, files };
}

const isRolloutCall = (r: FakeEngine['requests'][number]) => r.path === '/v1/completions' && r.body.max_tokens !== 1;

/** Holds generation at the engine until four rollout calls (two on each proxy) are in flight, kills the second proxy, lets the rest go. */
async function killSecondWhenFourWait(serves: ServeProcess[]): Promise<void> {
  const before = engine.requests.filter(isRolloutCall).length;
  engine.setFaults({ latencyMs: 3_000 });
  while (engine.requests.filter(isRolloutCall).length < before + 4) await new Promise((resolve) => setTimeout(resolve, 10));
  await stopServe(serves[1]!, 'SIGKILL');
  engine.clearFaults();
}

test('a proxy killed mid-step: its rollouts fail as infrastructure failures naming RC_ERR_PROXY_UNREACHABLE, and the run goes on over the other', async () => {
  const { serves, files } = await serveTwo('killed');
  const training = train(writeConfig('killed', serves.map((s) => s.baseUrl), 'maxFailureRate: 0.5'));
  await killSecondWhenFourWait(serves);
  const { stdout } = await training;
  assert.match(stdout, /done: 2 step\(s\)/);

  const runDir = runDirOf('killed');
  const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  assert.equal(metrics[0]!['rollouts/failures/proxy'], 2, 'the two rollouts in flight on the killed proxy');
  assert.equal(metrics[0]!['rollouts/infra_failure_rate'], 2 / 8);
  assert.equal(metrics[1]!['rollouts/failed'] ?? 0, 0, 'step 2 ran on the proxy that is left');
  assert.deepEqual(metrics.map((m) => m['policy/version']), [1, 2], 'the learner trained both steps');
  const log = readFileSync(join(runDir, 'run.log'), 'utf8');
  assert.equal(log.match(/failed \(proxy\): .*RC_ERR_PROXY_UNREACHABLE Could not reach the proxy at /g)?.length, 2, log);
  assert.match(log, new RegExp(`proxy ${serves[1]!.baseUrl.replace(/\/v1$/, '')} is out \\(Could not reach the proxy`));

  const left = recorded(files[0]!);
  assert.equal(left.filter((r) => stepOf(r.groupId) === 1).length, 6, 'step 1: its two, then the four started after the kill');
  assert.equal(left.filter((r) => stepOf(r.groupId) === 2).length, 8, 'step 2: all eight');
  assert.ok(left.every((r) => r.versions === '' || r.versions === String(stepOf(r.groupId) - 1)), 'versions stay exact on the proxy that is left');
});

test('a proxy killed mid-step with a strict rollout.maxFailureRate fails the step, saying why and what to do', async () => {
  const { serves } = await serveTwo('strict');
  const training = train(writeConfig('strict', serves.map((s) => s.baseUrl), 'maxFailureRate: 0.1'));
  await killSecondWhenFourWait(serves);
  await assert.rejects(training, (error: { code?: number; stderr?: string }) => {
    assert.equal(error.code, 1);
    const stderr = error.stderr ?? '';
    assert.match(stderr, /step 1: 2 of 8 rollouts failed through the infrastructure \(engine, proxy, workflow or judge\), more than rollout.maxFailureRate allows: 2 × proxy: .*RC_ERR_PROXY_UNREACHABLE Could not reach the proxy at /);
    assert.match(stderr, /hint: the rollouts failed with RC_ERR_PROXY_UNREACHABLE: Start or restart that proxy/);
    return true;
  });
});
