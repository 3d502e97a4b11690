import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PolicyGate } from '../../../proxy/policy/policy-gate.ts';
import { RollcallError } from '../../../src/errors/rollcall-error.ts';

test('pause waits for in-flight calls, new calls wait for resume and get the new version', async () => {
  const gate = new PolicyGate({ maxWaitMs: 1000 });
  assert.equal(await gate.admit(), 0);
  let paused = false;
  const pausing = gate.pause(1000).then(() => (paused = true));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(paused, false, 'still draining');
  const waiting = gate.admit();
  gate.release();
  await pausing;
  assert.equal(gate.status().waiting, 1);
  assert.equal(gate.resume().version, 1);
  assert.equal(await waiting, 1);
});

test('a call waits at most maxWaitMs, then 429 with Retry-After; drain has a time-out too', async () => {
  const gate = new PolicyGate({ maxWaitMs: 20 });
  await gate.pause(100);
  await assert.rejects(gate.admit(), (e: unknown) => e instanceof RollcallError && e.code === 'RC_ERR_POLICY_PAUSED' && e.headers['retry-after'] === '1');
  gate.resume(5);
  assert.equal(gate.currentVersion, 5);
  await gate.admit();
  await assert.rejects(gate.pause(20), (e: unknown) => e instanceof RollcallError && e.code === 'RC_ERR_POLICY_DRAIN_TIMEOUT');
  assert.throws(() => new PolicyGate({ maxWaitMs: 1 }).resume(), /not paused/);
});

test('resume keeps the version when told the current one (a failed update), and bumps on a stale one', async () => {
  const gate = new PolicyGate({ maxWaitMs: 1000 });
  await gate.pause(100);
  assert.equal(gate.resume(0).version, 0);
  await gate.pause(100);
  gate.resume(3);
  await gate.pause(100);
  assert.equal(gate.resume(2).version, 4);
});
