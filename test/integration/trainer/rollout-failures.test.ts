import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let engine: FakeEngine;
let dir: string;

before(async () => {
  engine = await startFakeEngine({ maxModelLen: 8192 });
  // The policy's answer to the "malformed" task: a tool call whose arguments are cut off.
  engine.scriptWhen('malformed task', ['<tool_call>\n{"name": "python", "arguments": {"code": "print(\n</tool_call>']);
  dir = mkdtempSync(join(tmpdir(), 'rollcall-failures-'));
  // Reference pass rates for BOTS (difficulty_based), which learns from each step's pass rates.
  writeFileSync(join(dir, 'tasks.jsonl'), ['loop task', 'hang task', 'malformed task', 'engine task'].map((q) => JSON.stringify({ question: q, weak: 0.2, strong: 0.8 })).join('\n'));
  writeFileSync(
    join(dir, 'failures.yaml'),
    `project: failures
proxy: { engine: { mode: token } }
tasks: { train: { type: jsonl, path: tasks.jsonl }, selector: { type: difficulty_based, featureKeys: [weak, strong] } }
workflow: { type: module, module: ${join(ROOT, 'test/fixtures/workflows/failing-agents.ts')}#failingAgent, timeoutMs: 1500 }
judge: { type: workflow, madness: { checks: [] } }
rollout: { groupSize: 2, concurrency: 1, failureReward: -1, limits: { maxCalls: 3, maxTokensPerTurn: 24 } }
schedule: { steps: 1, tasksPerStep: 4 }
`,
  );
});
after(async () => {
  await engine.close();
});

const assertNear = (actual: number | undefined, expected: number, message?: string) => assert.ok(Math.abs((actual ?? Number.NaN) - expected) < 1e-9, `${message ?? ''} ${actual} ≠ ${expected}`);

test('failures the policy caused train with rollout.failureReward; an engine failure stays out of its group', async () => {
  const { stdout } = await run(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'train', '--conf', 'failures.yaml', '--backbone', 'debug'], {
    cwd: dir,
    env: { ...process.env, ROLLCALL_UPSTREAM: engine.url },
  });
  assert.match(stdout, /done: 1 step/);
  const runDir = join(dir, 'runs', 'failures', readdirSync(join(dir, 'runs', 'failures'))[0] as string);
  const metrics = JSON.parse(readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim()) as Record<string, number>;
  assert.equal(metrics['rollouts/count'], 8);
  assert.equal(metrics['rollouts/failed'], 4);
  assertNear(metrics['rollouts/policy_failure_rate'], 3 / 8, 'the loop, the hang and the unreadable tool call');
  assertNear(metrics['rollouts/infra_failure_rate'], 1 / 8, 'the engine error');
  for (const reason of ['call_limit', 'timeout', 'malformed_output', 'engine']) assert.equal(metrics[`rollouts/failures/${reason}`], 1, reason);
  assertNear(metrics['reward/mean'], (4 * 1 + 3 * -1) / 7, 'four answers and three policy failures; the engine failure is no attempt');
  assertNear(metrics['success_rate'], 4 / 7);

  const rows = readFileSync(join(runDir, 'batches', 'step_1.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { taskId: string; reward: number; advantage: number; failure: string | null });
  const failed = rows.filter((r) => r.failure !== null);
  assert.deepEqual(failed.map((r) => r.failure).sort(), ['call_limit', 'malformed_output', 'timeout'], 'each policy failure is in the batch');
  for (const row of failed) {
    assert.equal(row.reward, -1);
    assert.ok(row.advantage < 0, `${row.failure} is pushed down against its group's answer (advantage ${row.advantage})`);
  }
  const engineGroup = rows.filter((r) => r.taskId === 'tasks.jsonl:3');
  assert.equal(engineGroup.length, 1, 'the engine task trains only its answer');
  assert.ok(engineGroup[0]!.failure === null && engineGroup[0]!.advantage > 0);

  const db = new Database(join(runDir, 'trajectories.db'), { readonly: true });
  const closed = db.prepare("SELECT status, reward, json_extract(metadata_json, '$.failureKind') AS kind, json_extract(metadata_json, '$.failureReason') AS reason FROM rollouts WHERE engine = 'policy' AND json_extract(metadata_json, '$.failureKind') IS NOT NULL ORDER BY reason").all();
  db.close();
  assert.deepEqual(closed, [
    { status: 'finished', reward: -1, kind: 'policy', reason: 'call_limit' },
    { status: 'failed', reward: null, kind: 'infra', reason: 'engine' },
    { status: 'finished', reward: -1, kind: 'policy', reason: 'malformed_output' },
    { status: 'finished', reward: -1, kind: 'policy', reason: 'timeout' },
  ]);

  // The selector heard each task's pass rate over the rollouts that were attempts: 2 for the
  // tasks the policy failed once (the failure a failed trial), 1 for the engine task (its engine
  // failure is no trial). With λ = ρ = 0.1 from Beta(1, 1): α + β = 0.9·2 + 0.2 + 0.9·n + 0.1·n̄,
  // n̄ = 7/4 the mean trials of the step, so 3.975 for n = 2 and 3.075 for n = 1.
  const state = JSON.parse(readFileSync(join(runDir, 'checkpoints', 'global_step_1', 'trainer-state.json'), 'utf8')) as { selector: { alphas: number[]; betas: number[] } };
  const pseudoCounts = state.selector.alphas.map((a, i) => a + state.selector.betas[i]!);
  [3.975, 3.975, 3.975, 3.075].forEach((expected, i) => assertNear(pseudoCounts[i], expected, `task ${i}`));
});
