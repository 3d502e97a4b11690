import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createWorkerLearner } from '../../../trainer/learners/worker-learner.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const hasTorch = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const required = process.env.ROLLCALL_REQUIRE_WORKER_TESTS === '1';
const skip = hasTorch ? false : required ? false : `torch is not importable by ${PYTHON} (apt-get install python3-torch); CI requires this test`;

let worker: ChildProcess | undefined;
let url = '';

before(async () => {
  if (skip !== false) return;
  assert.ok(hasTorch, `torch is not importable by ${PYTHON}`);
  worker = spawn(PYTHON, [join(ROOT, 'test/worker/serve_tiny.py'), '3'], {
    env: { ...process.env, PYTHONPATH: `${join(ROOT, 'trainer/worker')}:${join(ROOT, 'test/worker')}`, PYTHONDONTWRITEBYTECODE: '1' },
  });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    worker!.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\S+)/.exec(out);
      if (match) resolve(match[1] as string);
    });
    worker!.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    worker!.once('exit', (code) => reject(new Error(`the worker exited with ${code}: ${out}`)));
  });
});
after(() => {
  worker?.kill('SIGTERM');
});

/** Two GRPO steps of the tiny model through the proxy in token mode, the worker as engine and learner. */
async function trainTiny(name: string, sampling: string): Promise<{ runDir: string; metrics: Record<string, number>[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-pyworker-'));
  writeFileSync(join(dir, 'tasks.jsonl'), ['Say hi', 'Name a fruit', 'Count to three', 'Spell cat'].map((q) => JSON.stringify({ question: q })).join('\n'));
  writeFileSync(
    join(dir, 'tiny.yaml'),
    `project: ${name}
proxy: { engine: { kind: worker, mode: token, upstreams: [${url}] } }
tasks: { train: { type: jsonl, path: tasks.jsonl } }
workflow: { type: module, module: ${join(ROOT, 'test/fixtures/workflows/short-chat.ts')}#shortChat }
judge: { type: workflow, madness: { checks: [] } }
rollout: { groupSize: 4, concurrency: 8, sampling: ${sampling}, limits: { maxTokensPerTurn: 8 } }
learner: { type: worker, url: ${url}, hyper: { lr: 0.01 } }
schedule: { steps: 2, tasksPerStep: 2, checkpointEvery: 1 }
`,
  );
  const { stdout } = await run(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'train', '--conf', join(dir, 'tiny.yaml')], { cwd: dir });
  assert.match(stdout, /done: 2 step\(s\)/);
  const runDir = join(dir, 'runs', name, readdirSync(join(dir, 'runs', name))[0] as string);
  const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  return { runDir, metrics };
}

/** Every step trained, nothing failed, and the learner's recomputed logprobs match the engine's (fp32). */
function assertTrainedInAgreement(metrics: readonly Record<string, number>[], label: string): void {
  const [first, second] = metrics.map((m) => m['policy/version'] ?? 0);
  assert.equal(second, (first ?? 0) + 1, 'the worker trained twice and the proxy serves its versions');
  for (const m of metrics) {
    assert.equal(m['rollouts/failed'], 0);
    assert.ok((m['learner/trained_tokens'] ?? 0) > 0);
    assert.ok((m['learner/logprob_diff_max'] ?? 1) < 1e-4, `${label}: engine and learner logprobs agree in fp32 (max |Δ| ${m['learner/logprob_diff_max']})`);
    assert.equal(m['learner/clip_frac'], 0, `${label}: no token starts outside the clip window`);
  }
}

test('the TypeScript trainer trains the real Python worker through the proxy in token mode', { skip }, async () => {
  const { runDir, metrics } = await trainTiny('pyworker', '{ temperature: 1 }');
  assert.deepEqual(metrics.map((m) => m['policy/version']), [1, 2]);
  assertTrainedInAgreement(metrics, 'temperature 1');
  assert.ok(existsSync(join(runDir, 'checkpoints', 'global_step_2', 'worker-state.json')));
});

test('at temperature 0.7 the learner scores tokens at 0.7: agreement as tight as at 1', { skip }, async () => {
  const { runDir, metrics } = await trainTiny('pyworker-t07', '{ temperature: 0.7 }');
  assertTrainedInAgreement(metrics, 'temperature 0.7');
  const row = JSON.parse(readFileSync(join(runDir, 'batches', 'step_1.jsonl'), 'utf8').split('\n')[0] as string) as { sampling: unknown };
  assert.deepEqual(row.sampling, { temperature: 0.7, topP: 1, topK: 0 }, 'the batch carries the rollout\'s sampling settings per sample');
});

test('the TypeScript learner client saves serving weights through the real worker: the folder an engine would load', { skip }, async () => {
  const learner = createWorkerLearner(url, 60_000);
  try {
    const dir = join(mkdtempSync(join(tmpdir(), 'rollcall-pyweights-')), 'step_1');
    const saved = await learner.saveWeights(dir);
    assert.equal(saved.path, dir);
    assert.equal(saved.isLora, false, 'the tiny worker trains full weights');
    assert.equal(typeof saved.policyVersion, 'number');
    assert.deepEqual(readdirSync(dir).sort(), ['char-tokenizer.json', 'tiny-model.pt'], 'weights and tokenizer only: no optimizer, no worker state');
  } finally {
    await learner.close();
  }
});

test('rollcall worker runs the Python worker with its package on the path', { skip }, async () => {
  const { stdout } = await run(process.execPath, [join(ROOT, 'bin/rollcall.js'), 'worker', '--help'], { env: { ...process.env, ROLLCALL_PYTHON: PYTHON } });
  assert.match(stdout, /usage: python -m rollcall_worker .*--model MODEL/s);
});
