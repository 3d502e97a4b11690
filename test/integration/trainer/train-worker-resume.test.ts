import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { startFakeLearner, type FakeLearner } from '../../fake-learner/fake-learner.ts';
import { GSM8K_DIR, scriptSelectedTasks } from '../../support/gsm8k-scripts.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let engine: FakeEngine;
let learner: FakeLearner;
let workDir: string;

before(async () => {
  engine = await startFakeEngine({ maxModelLen: 8192 });
  scriptSelectedTasks(engine, 4, 2);
  learner = await startFakeLearner();
  workDir = mkdtempSync(join(tmpdir(), 'rollcall-worker-'));
});
after(async () => {
  await engine.close();
  await learner.close();
});

type Shape = { groupSize?: number; tasksPerStep?: number; maxFailureRate?: number; failureReward?: number; judge?: string };

function writeConfig(name: string, workflow: string, shape: Shape = {}): string {
  const file = join(workDir, `${name}.yaml`);
  writeFileSync(
    file,
    `project: worker-test
tasks:
  train: { type: jsonl, path: ${GSM8K_DIR}train.jsonl }
  selector: { type: shuffle, seed: 42 }
workflow: ${workflow}
rollout: { groupSize: ${shape.groupSize ?? 2}, concurrency: 6, maxFailureRate: ${shape.maxFailureRate ?? 0.5}, failureReward: ${shape.failureReward ?? 0} }
learner: { type: worker }
schedule: { tasksPerStep: ${shape.tasksPerStep ?? 2}, checkpointEvery: 1 }
${shape.judge ?? ''}
`,
  );
  return file;
}

const WORKFLOW = `{ type: module, module: ${join(ROOT, 'examples/math-agent/openai-sdk-agent.ts')}#mathAgent }`;

async function train(conf: string, args: string[]) {
  return run(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'train', '--conf', conf, ...args], {
    cwd: workDir,
    env: { ...process.env, ROLLCALL_UPSTREAM: engine.url, ROLLCALL_LEARNER_URL: learner.url },
  });
}

test('the worker learner gets valid batches, the policy version moves, and a resumed run continues where the checkpoint left off', async () => {
  const conf = writeConfig('worker', WORKFLOW);
  const first = await train(conf, ['--steps', '2']);
  assert.match(first.stdout, /learner worker/);
  assert.equal(learner.steps.length, 2);
  const hyper = learner.steps[0]?.hyper as Record<string, number>;
  assert.equal(hyper.clipHigh, 0.28);
  const [runName] = readdirSync(join(workDir, 'runs', 'worker-test'));
  const dir = join(workDir, 'runs', 'worker-test', runName as string);
  for (const step of [1, 2]) {
    assert.ok(existsSync(join(dir, 'checkpoints', `global_step_${step}`, 'trainer-state.json')));
    assert.ok(existsSync(join(dir, 'checkpoints', `global_step_${step}`, 'fake-learner.json')));
  }
  const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  assert.deepEqual(metrics.map((m) => m['policy/version']), [1, 2]);

  const resumed = await train(conf, ['--steps', '4', '--resume', dir]);
  assert.match(resumed.stdout, /done: 2 step\(s\) after step 2/);
  const all = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  assert.deepEqual(all.map((m) => m.step), [1, 2, 3, 4]);
  assert.deepEqual(all.map((m) => m['policy/version']), [1, 2, 3, 4], 'the proxy resumed at the saved version and the learner went on');
  assert.equal(all[2]?.success_rate, 0.5, 'step 3 served the tasks an uninterrupted run would (their scripts answer half right)');
  assert.equal(learner.steps.length, 4);
  const state = JSON.parse(readFileSync(join(dir, 'checkpoints', 'global_step_4', 'trainer-state.json'), 'utf8')) as { rolloutsRun: number };
  assert.equal(state.rolloutsRun, 4 * 4, 'rollouts counted across the resume');
});

test('SIGINT while a step\'s rollouts run: that step is not trained or logged, the last trained step is checkpointed, exit 130', async () => {
  const marker = join(workDir, 'step-two-started');
  const workflow = `{ type: module, module: ${join(ROOT, 'test/fixtures/workflows/stop-at-step-two.ts')}#stopAtStepTwo }`;
  const stepsBefore = learner.steps.length;
  const child = spawn(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'train', '--conf', writeConfig('stopped', workflow), '--steps', '3'], {
    cwd: workDir,
    env: { ...process.env, ROLLCALL_UPSTREAM: engine.url, ROLLCALL_LEARNER_URL: learner.url, ROLLCALL_TEST_MARKER: marker },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  while (!existsSync(marker)) await new Promise((resolve) => setTimeout(resolve, 50));
  child.kill('SIGINT');
  assert.equal(await exited, 130, stderr);
  assert.match(stdout, /stopped by a signal after 1 step\(s\)/);
  assert.doesNotMatch(stderr, /rollouts failed/, 'the cancelled rollouts are not reported as a failing workflow');
  assert.equal(learner.steps.length - stepsBefore, 1, 'only step 1 was trained');
  const [runName] = readdirSync(join(workDir, 'runs', 'worker-test')).filter((n) => n.startsWith('stopped'));
  const dir = join(workDir, 'runs', 'worker-test', runName as string);
  const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  assert.deepEqual(metrics.map((m) => m.step), [1]);
  assert.ok(existsSync(join(dir, 'checkpoints', 'global_step_1', 'trainer-state.json')));
  assert.ok(!existsSync(join(dir, 'checkpoints', 'global_step_2')));
});

test('a crashing, hanging or garbage-printing workflow is reported and the step goes on; too many infrastructure failures stop the run clearly', async () => {
  const fixture = join(ROOT, 'test/fixtures/workflows/flaky-workflow.py');
  const workflow = `{ type: command, command: [python3, ${fixture}], timeoutMs: 8000 }`;
  const shape = { groupSize: 6, tasksPerStep: 1, failureReward: -1, judge: 'judge: { type: workflow, madness: { checks: [] } }' };
  const result = await train(writeConfig('flaky', workflow, shape), ['--steps', '1', '--backbone', 'debug']);
  const [runName] = readdirSync(join(workDir, 'runs', 'worker-test')).filter((n) => n.startsWith('flaky'));
  const dir = join(workDir, 'runs', 'worker-test', runName as string);
  const metrics = JSON.parse(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim()) as Record<string, number>;
  assert.equal(metrics['rollouts/count'], 6);
  assert.equal(metrics['rollouts/failed'], 3, 'the garbage, the crash and the hang');
  assert.ok(Math.abs(metrics['rollouts/infra_failure_rate']! - 2 / 6) < 1e-9, 'the garbage and the crash (no model call): the workflow broke, not the policy');
  assert.ok(Math.abs(metrics['rollouts/policy_failure_rate']! - 1 / 6) < 1e-9, 'the hang ran out of workflow.timeoutMs: the policy\'s time');
  assert.equal(metrics['reward/mean'], (3 + 4 + 5 - 1) / 4, 'the three good rollouts (rewards 3, 4, 5) and the timed-out one with rollout.failureReward');
  const log = readFileSync(join(dir, 'run.log'), 'utf8');
  assert.match(log, /failed \(workflow\): bad_output/);
  assert.match(log, /failed \(workflow\): crashed/);
  assert.match(log, /failed through the policy \(timeout\): timeout: workflow did not finish/);
  assert.match(log, /simulated crash/, 'the workflow stderr is in the run log');
  assert.match(result.stdout, /done: 1 step/);

  await assert.rejects(train(writeConfig('strict', workflow, { ...shape, maxFailureRate: 0.25 }), ['--steps', '1', '--backbone', 'debug']), (error: { code?: number; stderr?: string }) => {
    assert.equal(error.code, 1);
    assert.match(error.stderr ?? '', /step 1: 2 of 6 rollouts failed through the infrastructure \(engine, proxy, workflow or judge\), more than rollout.maxFailureRate allows/);
    return true;
  });
});

test('a bad configuration yields one clear line per problem and exit code 2', async () => {
  const file = join(workDir, 'bad.yaml');
  writeFileSync(file, `project: bad
tasks:
  train: { type: jsonl, path: x.jsonl, fields: { query: question, answr: answer } }
workflow: { type: module }
rollout: { groupSize: -1, concurency: 4 }
learner: { type: gpu }
`);
  await assert.rejects(train(file, []), (error: { code?: number; stderr?: string }) => {
    assert.equal(error.code, 2);
    const lines = (error.stderr ?? '').trim().split('\n');
    assert.match(lines[0] ?? '', /5 problems in the configuration/);
    const text = lines.slice(1).join('\n');
    assert.match(text, /tasks\.train\.fields\.answr: unknown key/);
    assert.match(text, /workflow\.module: /);
    assert.match(text, /rollout\.groupSize: /);
    assert.match(text, /rollout\.concurency: unknown key/);
    assert.match(text, /learner\.type: /);
    return true;
  });
});
