import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RunLog } from '../../../../trainer/run/run-log.ts';

const STACK = 'Error: 502 Could not connect to the engine at http://127.0.0.1:1: ECONNREFUSED\n    at OpenAI.makeStatusError (client.ts:636:28)\n    at async mathAgent (agent.ts:32:24)';
const proxyError = (reqId: string) =>
  JSON.stringify({ level: 50, time: 1, reqId, err: { type: 'RollcallError', message: 'Could not connect to the engine at http://127.0.0.1:1: ECONNREFUSED', stack: 'RollcallError: …\n    at mapUpstreamError', code: 'RC_ERR_UPSTREAM_CONNECT' }, code: 'RC_ERR_UPSTREAM_CONNECT', msg: 'request failed' });

function newLog() {
  const file = join(mkdtempSync(join(tmpdir(), 'rollcall-runlog-')), 'run.log');
  let tick = 0;
  const log = new RunLog(file, { now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)), flushIntervalMs: 3_600_000 });
  return { file, log };
}

test('16 identical failures write one full example and one count, not 16 stacks', () => {
  const { file, log } = newLog();
  for (let i = 0; i < 16; i++) {
    log.proxyLine(proxyError(`req-${i}`));
    log.line(`rollout ro_${i} stderr:\n${STACK}\n    at async Promise.all (index ${i})`);
    log.line(`rollout ro_${i} task train:${i} attempt 0 failed (crashed): 502 Could not connect to the engine`);
  }
  log.close();
  const text = readFileSync(file, 'utf8');
  assert.equal(text.match(/mapUpstreamError/g)?.length, 1, 'one proxy stack');
  assert.equal(text.match(/at async mathAgent/g)?.length, 1, 'one workflow stack');
  assert.equal(text.match(/failed \(crashed\)/g)?.length, 16, 'every failed rollout keeps its one line');
  assert.match(text, /the same entry repeated 15 more times since 2026-01-01T00:00:00\.000Z: proxy: request failed: Could not connect/);
  assert.match(text, /the same entry repeated 15 more times since 2026-01-01T00:00:01\.000Z: rollout ro_0 stderr: Error: 502 Could not connect/);
  assert.ok(text.length < 4_000, `${text.length} bytes`);
  assert.deepEqual(log.errorCodes(), [['RC_ERR_UPSTREAM_CONNECT', 16]]);
});

test('different failures are kept apart, info lines pass through, and a flush writes only what is pending', () => {
  const { file, log } = newLog();
  log.proxyLine(proxyError('a'));
  log.proxyLine(JSON.stringify({ level: 50, msg: 'request failed', err: { message: 'The engine failed with status 500: boom', code: 'RC_ERR_UPSTREAM_SERVER_ERROR' } }));
  log.proxyLine(proxyError('b'));
  log.proxyLine(JSON.stringify({ level: 30, msg: 'call recorded' }));
  log.proxyLine(JSON.stringify({ level: 30, msg: 'call recorded' }));
  log.proxyLine('not json');
  log.flush();
  log.flush();
  log.close();
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(lines.filter((l) => l.includes('"call recorded"')).length, 2);
  assert.ok(lines.includes('not json'));
  assert.equal(lines.filter((l) => l.includes('repeated 1 more time since')).length, 1);
  assert.equal(lines.filter((l) => l.includes('status 500')).length, 1);
});
