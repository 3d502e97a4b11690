import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { listEventFiles, readScalarEvents } from '../../../trainer/metrics/tensorboard-reader.ts';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { exampleDataFlags, scriptSelectedTasks } from '../../support/gsm8k-scripts.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let engine: FakeEngine;

before(async () => {
  engine = await startFakeEngine({ maxModelLen: 8192 });
  scriptSelectedTasks(engine, 2, 4);
});
after(async () => {
  await engine.close();
});

async function train(conf: string, extra: string[] = []) {
  const runsDir = mkdtempSync(join(tmpdir(), 'rollcall-runs-'));
  const result = await run(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'train', '--conf', conf, ...exampleDataFlags(), '--backbone', 'debug', '--steps', '2', ...extra], {
    cwd: ROOT,
    env: { ...process.env, ROLLCALL_UPSTREAM: engine.url, ROLLCALL_RUNS_DIR: runsDir },
    maxBuffer: 16 * 1024 * 1024,
  });
  const project = join(runsDir, 'gsm8k-math');
  const [folder] = readdirSync(project);
  return { ...result, dir: join(project, folder as string) };
}

function checkRunFolder(dir: string, workflowKind: string): void {
  assert.ok(existsSync(join(dir, 'config.yaml')));
  assert.match(readFileSync(join(dir, 'config.yaml'), 'utf8'), new RegExp(`type: ${workflowKind}`));
  const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  assert.deepEqual(metrics.map((m) => m.step), [1, 2]);
  for (const m of metrics) {
    assert.equal(m['rollouts/count'], 16, '4 tasks × group 4');
    assert.equal(m['rollouts/failed'], 0);
    assert.equal(m['success_rate'], 0.5, 'two tasks answered right, two wrong, in each step');
    assert.equal(m['reward/mean'], 0.5);
    assert.equal(m['turns/mean'], 2);
    assert.equal(m['tool_call_rate'], 0.5);
    assert.equal(m['samples/drift_events'], 0);
    assert.ok(m['time/step_s']! > 0 && m['throughput/rollouts_per_s']! > 0);
  }
  assert.ok('val/pass@4' in metrics[1]!, 'validation ran at the last step');
  for (const step of [1, 2]) {
    const rows = readFileSync(join(dir, 'batches', `step_${step}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number[] | number | string>);
    assert.ok(rows.length > 0);
    for (const row of rows) {
      const tokens = row.tokens as number[];
      assert.equal((row.lossMask as number[]).length, tokens.length);
      assert.equal((row.logprobs as number[]).length, tokens.length);
      assert.equal((row.advantages as number[]).length, tokens.length);
      assert.ok((row.promptLength as number) < tokens.length);
    }
  }
  const [eventFile] = listEventFiles(dir);
  assert.ok(eventFile, 'a TensorBoard event file');
  const events = readScalarEvents(eventFile);
  assert.deepEqual(events.map((e) => e.step), [1, 2]);
  assert.equal(events[0]?.scalars['reward/mean'], 0.5);
  const db = new Database(join(dir, 'trajectories.db'), { readonly: true });
  const counts = db.prepare("SELECT status, COUNT(*) AS n FROM rollouts WHERE engine = 'policy' GROUP BY status").all() as { status: string; n: number }[];
  db.close();
  assert.deepEqual(counts, [{ status: 'finished', n: 32 + 32 * 4 }]);
}

test('rollcall train runs 2 steps × 4 GSM8K tasks × group 4 with the TypeScript workflow', async () => {
  const { stdout, dir } = await train('examples/math-agent/openai-sdk.yaml');
  assert.match(stdout, /done: 2 step\(s\)/);
  checkRunFolder(dir, 'module');
});

test('rollcall train runs the same with the Python workflow and judge served by one Python process', async () => {
  const { stdout, dir } = await train('examples/math-agent/python.yaml');
  assert.match(stdout, /done: 2 step\(s\)/);
  checkRunFolder(dir, 'python');
});

test('schedule.maxMinutes ends the run after the step that used the budget up, validated like a last step', async () => {
  const { stdout, stderr, dir } = await train('examples/math-agent/openai-sdk.yaml', ['--steps', '5', '--set', 'schedule.maxMinutes=0.0001']);
  assert.match(stdout, /done: 1 step\(s\) \(time budget of 0\.0001 min reached\)/);
  const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  assert.deepEqual(metrics.map((m) => m.step), [1]);
  assert.ok('val/pass@1' in metrics[0]!, 'the last step was validated');
  assert.match(stderr, /validation after step 1: success \d\.\d{3}, pass@4 \d\.\d{3}, reward \d\.\d{3} \(\d+ held-out tasks\)\n/, 'the result stays on the console');
  assert.ok(existsSync(join(dir, 'checkpoints', 'global_step_1')), 'and checkpointed like a last step');
});
