import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Tokenizer } from '@huggingface/tokenizers';
import Database from 'better-sqlite3';
import { unpackFloat32, unpackInt32 } from '../../../src/store/blobs.ts';
import { TEST_PYTHON } from '../../support/python.ts';
import { CLI } from '../../support/serve-process.ts';

const execute = promisify(execFile);
const MAX_TOKENS = 24;
const POLICY = fileURLToPath(new URL('../../../examples/quickstart/small-policy', import.meta.url));

/**
 * `rollcall quickstart` as CI runs it: the real CLI in a child process, two GRPO steps on the CPU
 * with small groups, on the shipped policy. Needs Python with torch, jinja2 and regex (.ci/run
 * installs them); it is never skipped.
 */
test('rollcall quickstart trains two steps on the CPU: the policy moves, and the records are exact', async () => {
  const runsDir = mkdtempSync(join(tmpdir(), 'rollcall-quickstart-'));
  const sets = ['rollout.groupSize=2', 'schedule.tasksPerStep=2', 'schedule.evalTasks=2', 'schedule.evalEvery=2', `rollout.limits.maxTokensPerTurn=${MAX_TOKENS}`, 'rollout.limits.maxCalls=2'];
  const { stdout, stderr } = await execute(process.execPath, [CLI, 'quickstart', '--policy', POLICY, '--run-dir', runsDir, '--steps', '2', ...sets.flatMap((s) => ['--set', s])], {
    env: { ...process.env, ROLLCALL_PYTHON: TEST_PYTHON },
    maxBuffer: 16 * 1024 * 1024,
    timeout: 300_000,
  });
  const output = `${stdout}\n${stderr}`;
  assert.match(stdout, /^prerequisites\n(  ok .*\n)+no problems/m, output);
  assert.match(stdout, /^worker ready at http:\/\/127\.0\.0\.1:\d+ after [\d.]+ s$/m);
  assert.match(stdout, /^rollcall train: log view at http:\/\/127\.0\.0\.1:\d+\/view\//m);
  assert.match(stdout, /^done: 2 step\(s\)/m);
  assert.match(stdout, /^held-out success \d\.\d{3} \(step 0\) → \d\.\d{3} \(step 2\) in \d+:\d\d; run folder /m);
  assert.match(stderr, /validation before training: success \d\.\d{3}/, 'the progress shows the held-out results');

  const project = join(runsDir, 'quickstart');
  const runDir = join(project, readdirSync(project)[0] as string);
  assert.match(stdout, new RegExp(`worker stopped \\(its log: ${runDir}/worker\\.log\\)`));
  assert.match(readFileSync(join(runDir, 'worker.log'), 'utf8'), /signal 15: shutting down/, 'the worker was stopped with SIGTERM, cleanly');
  const workerUrl = /worker ready at (\S+)/.exec(stdout)?.[1] as string;
  await assert.rejects(fetch(`${workerUrl}/health`), 'nothing listens where the worker was');

  const metrics = readFileSync(join(runDir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
  assert.deepEqual(metrics.map((m) => m.step), [0, 1, 2]);
  assert.deepEqual(metrics.slice(1).map((m) => m['policy/version']), [1, 2], 'each step trained and the engine serves the new version');
  for (const m of metrics.slice(1)) {
    assert.equal(m['rollouts/failed'], 0);
    assert.ok((m['learner/trained_tokens'] ?? 0) > 0);
    assert.ok((m['learner/logprob_diff_max'] ?? 1) < 1e-4, `the learner recomputes the engine's logprobs in fp32 (max |Δ| ${m['learner/logprob_diff_max']})`);
  }

  // What the proxy recorded is what the worker generated: ids, one logprob each, and the text the agent got.
  const tokenizer = new Tokenizer(JSON.parse(readFileSync(join(POLICY, 'tokenizer.json'), 'utf8')), JSON.parse(readFileSync(join(POLICY, 'tokenizer_config.json'), 'utf8')));
  const db = new Database(join(runDir, 'trajectories.db'), { readonly: true });
  const calls = db.prepare("SELECT completion_ids, logprobs, response_json, finish_reason FROM calls WHERE status = 'completed'").all() as { completion_ids: Buffer; logprobs: Buffer; response_json: string; finish_reason: string }[];
  db.close();
  assert.ok(calls.length >= 3 * 4, 'every rollout of two validations and two steps made a call');
  let compared = 0;
  for (const call of calls) {
    const ids = unpackInt32(call.completion_ids);
    assert.ok(ids.length > 0 && ids.length <= MAX_TOKENS);
    assert.equal(unpackFloat32(call.logprobs).length, ids.length);
    const message = (JSON.parse(call.response_json) as { choices: { message: { content: string | null; tool_calls?: unknown[] } }[] }).choices[0]!.message;
    if ((message.tool_calls ?? []).length > 0) continue;
    assert.equal(message.content ?? '', tokenizer.decode(ids, { skip_special_tokens: true }), 'the answer\'s text is its recorded ids, decoded');
    compared += 1;
  }
  assert.ok(compared > 0);
  assert.ok(existsSync(join(runDir, 'batches', 'step_2.jsonl')));
});
