import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { gsm8kDatasetDir } from '../../support/gsm8k-scripts.ts';
import { CLI } from '../../support/serve-process.ts';

const execute = promisify(execFile);
const AGENT = fileURLToPath(new URL('../../../examples/math-agent/openai-sdk-agent.ts', import.meta.url));
const SYSTEM_PYTHON = '/usr/bin/python3';
const hasTorch = (() => {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const torchSkip = hasTorch || process.env.ROLLCALL_REQUIRE_WORKER_TESTS === '1' ? false : `torch is not importable by ${SYSTEM_PYTHON} (apt-get install python3-torch); CI requires this test`;

let engine: FakeEngine;
let deadUrl: string;
before(async () => {
  engine = await startFakeEngine({ maxModelLen: 8192 });
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
});
after(async () => {
  await engine.close();
});

async function rollcall(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execute(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

test('doctor passes an engine that gives token ids, logprobs and token mode, and reports its context length', async () => {
  const { code, stdout } = await rollcall(['doctor', '--upstream', engine.url, '--only', 'engine']);
  assert.equal(code, 0, stdout);
  assert.match(stdout, /^ {2}ok {7}reachable: http:\/\/127\.0\.0\.1:\d+ serves fake-model$/m);
  assert.match(stdout, /ok {7}context length: 8192 tokens/);
  assert.match(stdout, /ok {7}chat answers carry prompt and completion token ids/);
  assert.match(stdout, /ok {7}chat answers carry logprobs/);
  assert.match(stdout, /ok {7}token mode works/);
  assert.match(stdout, /ok {7}rollcall serve --engine vllm would record in token mode/);
  assert.match(stdout, /^no problems$/m);
});

test('doctor says an upstream ending in /v1 is the wrong path and gives the root to use', async () => {
  const { code, stdout } = await rollcall(['doctor', '--upstream', `${engine.url}/v1`, '--only', 'engine']);
  assert.equal(code, 1);
  assert.match(stdout, /PROBLEM  http:\/\/127\.0\.0\.1:\d+\/v1 ends in \/v1: rollcall adds \/v1\/… itself/);
  assert.match(stdout, new RegExp(`fix: give the server root \\(${engine.url.replace(/[.:/]/g, '\\$&')} answers\\): ${engine.url.replace(/[.:/]/g, '\\$&')}$`, 'm'));
  assert.match(stdout, /^1 problem to fix$/m);
});

test('doctor tells a dead port and a server that is not an engine apart', async () => {
  const dead = await rollcall(['doctor', '--upstream', deadUrl, '--only', 'engine']);
  assert.equal(dead.code, 1);
  assert.match(dead.stdout, /PROBLEM  http:\/\/127\.0\.0\.1:\d+: connection refused: nothing listens there\n +fix: start the engine/);
  const other = createServer((_req, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<h1>Not Found</h1>');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    const notEngine = await rollcall(['doctor', '--upstream', `http://127.0.0.1:${(other.address() as AddressInfo).port}`, '--only', 'engine']);
    assert.equal(notEngine.code, 1);
    assert.match(notEngine.stdout, /\/v1\/models answered HTTP 404, not an OpenAI model list/);
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});

test('doctor checks a configuration: keys with the nearest valid one, tasks, workflow, judge, learner, and its engine', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rollcall-doctor-'));
  const good = join(dir, 'good.yaml');
  writeFileSync(good, `proxy: { engine: { upstreams: [${engine.url}] } }\ntasks:\n  train: { type: huggingface, path: ${gsm8kDatasetDir()}, config: main, split: train }\nworkflow: { type: module, module: ${AGENT}#mathAgent }\nlearner: { type: worker, url: ${deadUrl} }\n`);
  const fine = await rollcall(['doctor', '--conf', good, '--only', 'config', '--only', 'engine']);
  assert.equal(fine.code, 0, fine.stdout);
  assert.match(fine.stdout, /ok {7}train tasks: 7473 tasks/);
  assert.match(fine.stdout, /ok {7}workflow: module loads/);
  assert.match(fine.stdout, /warning  learner: nothing answers at http:\/\/127\.0\.0\.1:\d+ yet/);
  assert.match(fine.stdout, new RegExp(`engine ${engine.url.replace(/[.:/]/g, '\\$&')} \\(vllm\\)\\n {2}ok {7}reachable`), 'the configuration\'s engine is checked');

  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, `tasks:\n  train: { type: huggingface, path: ./not-downloaded, config: main, split: train }\nworkflow: { type: module, module: ${AGENT}#mathAgent }\nrollout: { gropuSize: 8 }\n`);
  const typo = await rollcall(['doctor', '--conf', bad, '--only', 'config']);
  assert.equal(typo.code, 1);
  assert.match(typo.stdout, /PROBLEM  rollout\.gropuSize: unknown key; did you mean rollout\.groupSize\?/);
  writeFileSync(bad, `tasks:\n  train: { type: huggingface, path: ./not-downloaded, config: main, split: train }\nworkflow: { type: module, module: ${AGENT}#mathAgent }\n`);
  const missing = await rollcall(['doctor', '--conf', bad, '--only', 'config']);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /PROBLEM  train tasks: No dataset folder at .*not-downloaded.*\n +fix: .*rollcall data get openai\/gsm8k/);
});

test('doctor and worker say when no Python can import torch, and what to do', async () => {
  const doctor = await rollcall(['doctor', '--only', 'python'], { ROLLCALL_PYTHON: '/nonexistent/python3' });
  assert.equal(doctor.code, 1);
  assert.match(doctor.stdout, /PROBLEM  no Python that can import torch \(\/nonexistent\/python3: not found\); install torch into it, or unset ROLLCALL_PYTHON/);
  const worker = await rollcall(['worker', '--model', '/tmp/model'], { ROLLCALL_PYTHON: '/nonexistent/python3' });
  assert.equal(worker.code, 2);
  assert.equal(worker.stderr.trim().split('\n').length, 1, 'one line');
  assert.match(worker.stderr, /^rollcall worker: no Python that can import torch/);
});

test('worker and doctor pass over a python3 without torch for one that has it', { skip: torchSkip }, async () => {
  const bin = mkdtempSync(join(tmpdir(), 'rollcall-bin-'));
  writeFileSync(join(bin, 'python3'), '#!/bin/sh\necho "ModuleNotFoundError: No module named \'torch\'" >&2\nexit 1\n');
  chmodSync(join(bin, 'python3'), 0o755);
  const env = { PATH: `${bin}:/usr/bin:/bin`, ROLLCALL_PYTHON: '' };
  const worker = await rollcall(['worker', '--help'], env);
  assert.equal(worker.code, 0);
  assert.match(worker.stderr, /^rollcall worker: using \/usr\/bin\/python3 \(Python 3\.\d+\.\d+, torch /m);
  assert.match(worker.stdout, /usage: python -m rollcall_worker .*--model MODEL/s, 'the worker\'s own flags follow');
  const doctor = await rollcall(['doctor', '--only', 'python'], env);
  assert.match(doctor.stdout, /ok {7}python3 skipped: ModuleNotFoundError: No module named 'torch'/);
  assert.match(doctor.stdout, /ok {7}rollcall worker runs \/usr\/bin\/python3: Python 3\.\d+\.\d+, torch /);
  assert.match(doctor.stdout, /ok {7}modules for a model without transformers: jinja2, regex/);
  assert.match(doctor.stdout, /(ok|warning|PROBLEM) +(CPU matmul|torch multiplies matrices with the reference BLAS)/);
});
