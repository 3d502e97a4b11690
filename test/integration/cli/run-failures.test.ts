import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { exampleDataFlags } from '../../support/gsm8k-scripts.ts';
import { CLI } from '../../support/serve-process.ts';

const execute = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CONF = 'examples/math-agent/openai-sdk.yaml';
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

async function rollcall(args: string[], upstream: string) {
  const env = { ...process.env, ROLLCALL_UPSTREAM: upstream, ROLLCALL_RUNS_DIR: mkdtempSync(join(tmpdir(), 'rollcall-fail-')) };
  try {
    await execute(process.execPath, [CLI, ...args, ...exampleDataFlags(), '--backbone', 'debug'], { cwd: ROOT, env });
    assert.fail('the command succeeded');
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stderr: failed.stderr, lines: failed.stderr.trim().split('\n') };
  }
}

/** One line that says what failed, one hint, the run folder; no stack trace. */
function assertOneLine(result: { code: number; stderr: string; lines: string[] }, command: string): void {
  assert.equal(result.code, 1);
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  const start = result.lines.findIndex((line) => line.startsWith(`rollcall ${command}: `));
  assert.ok(start >= 0, result.stderr);
  assert.match(result.lines[start + 1] ?? '', /^ {2}hint: \S/);
  assert.match(result.lines[start + 2] ?? '', /^ {2}run folder: \S+ \(run\.log has the details\)$/);
  assert.equal(result.lines.length, start + 3, 'nothing after the run folder');
}

for (const command of ['train', 'eval']) {
  test(`${command} against a dead engine URL ends in one line and a hint`, async () => {
    const result = await rollcall([command, '--conf', CONF], deadUrl);
    assertOneLine(result, command);
    assert.match(result.stderr, new RegExp(`rollcall ${command}: engine: ${deadUrl.replace(/[.:/]/g, '\\$&')}: connection refused: nothing listens there`));
    assert.match(result.stderr, /hint: start the engine .*rollcall doctor --upstream URL/);
  });

  test(`${command} against an upstream ending in /v1 says to drop it`, async () => {
    const result = await rollcall([command, '--conf', CONF], `${engine.url}/v1`);
    assertOneLine(result, command);
    assert.match(result.stderr, /ends in \/v1: rollcall adds \/v1\/… itself/);
    assert.match(result.stderr, new RegExp(`hint: give the server root .*: ${engine.url.replace(/[.:/]/g, '\\$&')};`));
  });
}

test('a step whose every rollout fails ends in one grouped line; run.log holds one example and a count', async () => {
  const failing = await startFakeEngine({ maxModelLen: 8192 });
  failing.setFaults({ errorStatus: 500, errorMessage: 'CUDA out of memory' });
  try {
    // Detection at start would meet the failing engine first; this run is about rollouts failing.
    const noProbe = ['--set', 'proxy.engine.detectAtStart=false'];
    const train = await rollcall(['train', '--conf', CONF, '--steps', '1', ...noProbe], failing.url);
    assertOneLine(train, 'train');
    // The engine fails its capability probe too, so every call is refused as not ready, naming why.
    assert.match(train.stderr, /rollcall train: step 1: 16 of 16 rollouts failed through the infrastructure .*, more than rollout\.maxFailureRate allows: 16 × workflow: crashed: .*CUDA out of memory/);
    assert.match(train.stderr, /hint: the engine calls failed with RC_ERR_ENGINE_NOT_READY \(\d+×\)/);
    const runDir = /run folder: (\S+)/.exec(train.stderr)?.[1] as string;
    const log = readFileSync(join(runDir, 'run.log'), 'utf8');
    // One line per failed rollout (16) plus one example of each distinct failure: ~10 KB, not 97 KB.
    assert.ok(statSync(join(runDir, 'run.log')).size < 16_000, `run.log is ${statSync(join(runDir, 'run.log')).size} bytes`);
    assert.equal(log.match(/at async mathAgent/g)?.length, 1, 'one workflow stack trace, not one per rollout');
    assert.match(log, /the same entry repeated \d+ more times since .*: proxy: .*CUDA out of memory/);
    assert.equal(log.match(/"stack"/g)?.length ?? 0, 2, 'one proxy stack trace per distinct failure (the probe, the refused call), not one per call');

    const evaluation = await rollcall(['eval', '--conf', CONF, '--tasks', '2', '--pass-k', '2', ...noProbe], failing.url);
    assertOneLine(evaluation, 'eval');
    assert.match(evaluation.stderr, /rollcall eval: all 4 validation rollouts failed\n {2}hint: the engine calls failed with RC_ERR_ENGINE_NOT_READY/);
  } finally {
    await failing.close();
  }
});
