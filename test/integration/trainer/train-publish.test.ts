import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { startFakeLearner, type FakeLearner } from '../../fake-learner/fake-learner.ts';
import { GSM8K_DIR, scriptSelectedTasks } from '../../support/gsm8k-scripts.ts';
import { ADMIN_TOKEN, startProxy, type Harness } from '../../support/proxy-harness.ts';

/**
 * The worker learns, vLLM serves: `rollcall train` with `learner.publish: vllm-lora` against the
 * fake engine (runtime LoRA updating on) and the fake learner (reporting LoRA weights).
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORKFLOW = `{ type: module, module: ${join(ROOT, 'examples/math-agent/openai-sdk-agent.ts')}#mathAgent }`;
const GENERATION = new Set(['/v1/completions', '/v1/chat/completions']);
let workDir: string;
const closers: (() => Promise<unknown>)[] = [];

before(() => {
  workDir = mkdtempSync(join(tmpdir(), 'rollcall-publish-'));
});
after(async () => {
  for (const close of closers) await close();
});

async function engineAndLearner(): Promise<{ engine: FakeEngine; learner: FakeLearner }> {
  const engine = await startFakeEngine({ maxModelLen: 8192, runtimeLoraUpdating: true });
  scriptSelectedTasks(engine, 3, 2);
  const learner = await startFakeLearner({ lora: true });
  closers.push(() => engine.close(), () => learner.close());
  return { engine, learner };
}

function writeConfig(name: string, extra: string): string {
  const file = join(workDir, `${name}.yaml`);
  writeFileSync(
    file,
    `project: publish-test
tasks:
  train: { type: jsonl, path: ${GSM8K_DIR}train.jsonl }
  selector: { type: shuffle, seed: 42 }
workflow: ${WORKFLOW}
rollout: { groupSize: 2, concurrency: 4 }
schedule: { tasksPerStep: 2, checkpointEvery: 0 }
${extra}`,
  );
  return file;
}

const train = (conf: string, engine: FakeEngine, learner: FakeLearner) =>
  run(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'train', '--conf', conf, '--steps', '2'], {
    cwd: workDir,
    env: { ...process.env, ROLLCALL_UPSTREAM: engine.url, ROLLCALL_LEARNER_URL: learner.url },
  });

test('the adapter is loaded before the first rollout and re-loaded after every step; calls carry its name and the version that served them', async () => {
  const { engine, learner } = await engineAndLearner();
  const conf = writeConfig('lora', 'learner: { type: worker, colocated: false, publish: { method: vllm-lora, dir: weights/lora } }\n');
  const { stdout } = await train(conf, engine, learner);
  assert.match(stdout, /done: 2 step\(s\)/);

  const weights = join(workDir, 'weights', 'lora');
  assert.deepEqual(learner.weights, [0, 1, 2].map((n) => join(weights, `step_${n}`)), 'version 0 at the start, then one folder per step, relative to the config file');
  assert.deepEqual(
    engine.weightUpdates.map((u) => `${u.route} ${u.status} ${u.path ?? ''}`.trim()),
    [0, 1, 2].flatMap((n) => [`/v1/unload_lora_adapter ${n === 0 ? 404 : 200}`, `/v1/load_lora_adapter 200 ${join(weights, `step_${n}`)}`]),
  );
  assert.deepEqual(readdirSync(weights).sort(), ['step_1', 'step_2'], 'the two newest step folders are kept');
  assert.deepEqual(JSON.parse(readFileSync(join(weights, 'step_2', 'fake-weights.json'), 'utf8')), { policyVersion: 2 });

  // The proxy's start-up capability probes name the base model (max_tokens 1); every rollout call names the adapter.
  const isProbe = (body: Record<string, unknown>) => body.model === engine.modelName && body.max_tokens === 1;
  const rolloutCalls = engine.requests.flatMap((r, i) => (GENERATION.has(r.path) && !isProbe(r.body) ? [{ i, model: r.body.model }] : []));
  assert.ok(rolloutCalls.length > 0);
  assert.ok(rolloutCalls.every((c) => c.model === 'policy'), 'token mode sends the adapter name to vLLM');
  const loads = engine.requests.flatMap((r, i) => (r.path === '/v1/load_lora_adapter' ? [i] : []));
  assert.ok(loads[0]! < rolloutCalls[0]!.i, 'the adapter exists before any call names it');
  const servedBy = (i: number) => loads.filter((load) => load < i).length - 1;
  assert.deepEqual([...new Set(rolloutCalls.map((c) => servedBy(c.i)))], [0, 1], 'step 1 ran on the step_0 adapter, step 2 on step_1');

  const runs = join(workDir, 'runs', 'publish-test');
  const runDir = join(runs, readdirSync(runs).find((n) => n.startsWith('lora'))!);
  const db = new Database(join(runDir, 'trajectories.db'), { readonly: true });
  const calls = db.prepare('SELECT r.group_id AS groupId, c.policy_version AS version, c.request_json AS request FROM calls c JOIN rollouts r ON r.id = c.rollout_id').all() as { groupId: string; version: number; request: string }[];
  db.close();
  assert.ok(calls.length >= 8);
  for (const call of calls) {
    assert.equal(call.version, Number(/^step(\d+)-/.exec(call.groupId)?.[1]) - 1, `${call.groupId}: calls of step n are served by policy version n - 1`);
    assert.equal((JSON.parse(call.request) as { model: string }).model, 'policy');
  }
  const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  assert.deepEqual(metrics.map((m) => m['policy/version']), [1, 2]);
  assert.ok(metrics.every((m) => (m['time/publish_s'] ?? -1) >= 0));
});

test('a failed publish fails the run with the engine, call, status, body and flag, and leaves the proxy resumed at the last version served', async () => {
  const { engine, learner } = await engineAndLearner();
  engine.failWeightUpdates({ after: 2, status: 500, message: 'CUDA error: out of memory' });
  const proxy: Harness = await startProxy([engine.url], { engine: { mode: 'token' } as never });
  closers.push(() => proxy.close());
  const conf = writeConfig(
    'failing',
    `proxy: { url: '${proxy.url}', adminToken: ${ADMIN_TOKEN} }
learner: { type: worker, colocated: false, publish: { method: vllm-lora, dir: weights/failing, engineUrls: ['${engine.url}'] } }
`,
  );
  await assert.rejects(train(conf, engine, learner), (error: { code?: number; stderr?: string }) => {
    assert.equal(error.code, 1);
    const stderr = error.stderr ?? '';
    assert.match(stderr, new RegExp(`publishing weights \\(vllm-lora\\) to ${engine.url}: POST /v1/load_lora_adapter answered 500: .*CUDA error: out of memory`));
    assert.match(stderr, /VLLM_ALLOW_RUNTIME_LORA_UPDATING=True/);
    return true;
  });
  assert.equal(learner.steps.length, 2, 'the step trained; its publish failed');
  const policy = await proxy.admin('GET', '/admin/policy');
  assert.equal(policy.body.paused, false, 'the proxy was resumed');
  assert.equal(policy.body.version, 1, 'version 2 never reached the engine, so the proxy stays at the version it last served');
});

test('rollcall eval --checkpoint publishes the weights it evaluates before the first validation call', async () => {
  const { engine, learner } = await engineAndLearner();
  const conf = writeConfig('eval', 'learner: { type: worker, colocated: false, publish: { method: vllm-lora, dir: weights/eval } }\n');
  const checkpoint = join(workDir, 'checkpoint-eval');
  mkdirSync(checkpoint, { recursive: true });
  writeFileSync(join(checkpoint, 'fake-learner.json'), JSON.stringify({ version: 3 }));
  const { stdout } = await run(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'eval', '--conf', conf, '--checkpoint', checkpoint, '--tasks', '2', '--pass-k', '1'], {
    cwd: workDir,
    env: { ...process.env, ROLLCALL_UPSTREAM: engine.url, ROLLCALL_LEARNER_URL: learner.url },
  });
  assert.match(stdout, /eval: 2 tasks × 1/);
  const load = engine.requests.findIndex((r) => r.path === '/v1/load_lora_adapter');
  const calls = engine.requests.flatMap((r, i) => (GENERATION.has(r.path) && r.body.model === 'policy' ? [i] : []));
  assert.ok(load >= 0 && calls.length > 0 && calls.every((i) => i > load));
  assert.deepEqual(learner.weights, [join(workDir, 'weights', 'eval', 'step_0')]);
  assert.equal(learner.version, 3, 'the checkpoint was loaded first');
});

test('rollcall eval without --checkpoint evaluates what the engine serves: no learner, no adapter', async () => {
  const { engine, learner } = await engineAndLearner();
  const conf = writeConfig('eval-base', 'learner: { type: worker, colocated: false, publish: { method: vllm-lora, dir: weights/base } }\n');
  const { stdout } = await run(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'eval', '--conf', conf, '--tasks', '2', '--pass-k', '1'], {
    cwd: workDir,
    env: { ...process.env, ROLLCALL_UPSTREAM: engine.url, ROLLCALL_LEARNER_URL: learner.url },
  });
  assert.match(stdout, /eval: 2 tasks × 1/);
  assert.equal(engine.requests.filter((r) => r.path === '/v1/load_lora_adapter').length, 0);
  assert.deepEqual(learner.weights, []);
  const models = engine.requests.filter((r) => GENERATION.has(r.path)).map((r) => r.body.model);
  assert.ok(models.length > 0 && models.every((m) => m === 'fake-model'), `the served model: ${[...new Set(models)].join(', ')}`);
});
