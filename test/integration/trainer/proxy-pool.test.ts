import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { URL } from 'node:url';
import { startFakeEngine, type FakeEngine } from '../../fake-engine/server.ts';
import { ADMIN_TOKEN, startProxy, type Harness } from '../../support/proxy-harness.ts';
import { ProxyPool } from '../../../trainer/proxy-client/proxy-pool.ts';

/**
 * The trainer's pool of proxies against two real proxies on loopback: where rollouts go, what a
 * proxy that goes away and comes back does, and policy versions kept exact on both.
 */

let engine: FakeEngine;
const open: Harness[] = [];

before(async () => {
  engine = await startFakeEngine();
});
after(async () => {
  for (const proxy of open) await proxy.close().catch(() => undefined);
  await engine.close();
});

async function proxyAt(port = 0, overrides: Record<string, unknown> = {}): Promise<Harness> {
  const proxy = await startProxy([engine.url], { port, ...overrides });
  open.push(proxy);
  return proxy;
}

function poolOf(...proxies: Harness[]): { pool: ProxyPool; log: string[] } {
  const log: string[] = [];
  return { pool: new ProxyPool(proxies.map((p) => p.url), ADMIN_TOKEN, (line) => log.push(line)), log };
}

const policy = async (proxy: Harness) => (await proxy.admin('GET', '/admin/policy')).body as { version: number; paused: boolean };
const portOf = (proxy: Harness) => Number(new URL(proxy.url).port);

test('each rollout goes to the proxy with the fewest in flight, and is recorded only there', async () => {
  const [a, b] = [await proxyAt(), await proxyAt()];
  const { pool } = poolOf(a, b);
  const opened = [];
  for (let i = 0; i < 4; i++) opened.push(await pool.createRollout({ taskId: `t${i}`, groupId: 'g' }));
  assert.deepEqual(opened.map((o) => o.proxy.rootUrl), [a.url, b.url, a.url, b.url]);
  pool.release(opened[1]!.proxy);
  pool.release(opened[3]!.proxy);
  const next = await pool.createRollout({ taskId: 't4' });
  assert.equal(next.proxy.rootUrl, b.url, 'b has fewer in flight after two of its rollouts ended');
  for (const [i, { proxy, created }] of [...opened, next].entries()) {
    const other = proxy.rootUrl === a.url ? b : a;
    assert.equal((await proxy.getRollout(created.rolloutId)).taskId, `t${i}`);
    assert.equal((await other.admin('GET', `/admin/rollouts/${created.rolloutId}`)).status, 404, 'the other proxy never saw it');
    assert.match(created.baseUrl, new RegExp(`^${proxy.rootUrl}`), "the agent's calls go to the proxy that recorded it");
  }
  await pool.close();
});

test('versions: a run starts both proxies at the newest version, and a learner step resumes both at exactly its version', async () => {
  const [a, b] = [await proxyAt(), await proxyAt()];
  await a.admin('POST', '/admin/policy/pause', {});
  await a.admin('POST', '/admin/policy/resume', { version: 2 });
  const { pool } = poolOf(a, b);
  assert.equal(await pool.newestVersion(), 2);
  const pausedDuringUpdate: boolean[] = [];
  await pool.moveTo(2, async () => {
    pausedDuringUpdate.push((await policy(a)).paused, (await policy(b)).paused);
  });
  assert.deepEqual(pausedDuringUpdate, [false, true], 'only the proxy whose version moves is paused while the weights are published');
  assert.deepEqual([await policy(a), await policy(b)].map((p) => [p.version, p.paused]), [[2, false], [2, false]]);
  await pool.pause();
  assert.deepEqual([(await policy(a)).paused, (await policy(b)).paused], [true, true]);
  await pool.resume(3);
  assert.deepEqual([await policy(a), await policy(b)].map((p) => [p.version, p.paused]), [[3, false], [3, false]]);
  assert.equal(pool.version, 3);
  await pool.close();
});

test('a proxy that goes down is out: creating fails over to the other; it is back, at the run\'s version, once it answers again', async () => {
  const a = await proxyAt();
  let b = await proxyAt();
  const { pool, log } = poolOf(a, b);
  await pool.moveTo(0, async () => undefined);
  await pool.pause();
  await pool.resume(4);
  const port = portOf(b);
  await b.close();
  const first = await pool.createRollout({ taskId: 'x' });
  const second = await pool.createRollout({ taskId: 'y' });
  assert.deepEqual([first.proxy.rootUrl, second.proxy.rootUrl], [a.url, a.url], 'b is out after its refused connection; nothing failed');
  assert.match(log.join('\n'), new RegExp(`proxy ${b.url} is out \\(Could not reach the proxy at ${b.url}: .*ECONNREFUSED`));
  await pool.sync();
  assert.equal((await pool.createRollout({ taskId: 'z' })).proxy.rootUrl, a.url, 'still out: it does not answer');

  // Restarted on the same address with a fresh database, it is at version 0 until the pool brings it to 4.
  b = await proxyAt(port);
  assert.equal((await policy(b)).version, 0);
  await pool.sync();
  assert.deepEqual([(await policy(b)).version, (await policy(b)).paused], [4, false]);
  assert.match(log.at(-1) ?? '', new RegExp(`proxy ${b.url} is in again, at policy version 4`));
  assert.equal((await pool.createRollout({ taskId: 'w' })).proxy.rootUrl, b.url, 'b has none in flight');
  await pool.close();
});

test('with every proxy down, creating a rollout fails with RC_ERR_PROXY_UNREACHABLE naming them', async () => {
  const [a, b] = [await proxyAt(), await proxyAt()];
  const { pool } = poolOf(a, b);
  await a.close();
  await b.close();
  await assert.rejects(pool.createRollout({}), (error: { code?: string; message: string }) => {
    assert.equal(error.code, 'RC_ERR_PROXY_UNREACHABLE');
    assert.equal(error.message, `Could not reach the proxy at ${a.url} or ${b.url}: every proxy is out after a call to it failed, and none answers at the run's policy version now (run.log says why)`);
    return true;
  });
  await pool.close();
});

test('a single proxy that refused a connection is tried again, and taken back at once when it answers at the run\'s version', async () => {
  let a = await proxyAt();
  const { pool } = poolOf(a);
  await pool.moveTo(0, async () => undefined);
  const port = portOf(a);
  await a.close();
  await assert.rejects(pool.createRollout({}), /RC_ERR_PROXY_UNREACHABLE|Could not reach the proxy/);
  a = await proxyAt(port);
  assert.equal((await pool.createRollout({ taskId: 'back' })).proxy.rootUrl, a.url, 'at version 0, as the run: in again without waiting for a step');

  // After a learner step the run is at version 1: a restart (version 0) must wait for sync, which brings it to 1.
  await pool.pause();
  await pool.resume(1);
  await a.close();
  await assert.rejects(pool.createRollout({}), /Could not reach the proxy/);
  a = await proxyAt(port);
  await assert.rejects(pool.createRollout({}), /none answers at the run's policy version now/);
  assert.equal((await policy(a)).version, 0, 'no call was recorded under a version the engines do not serve');
  await pool.sync();
  assert.equal((await policy(a)).version, 1);
  assert.equal((await pool.createRollout({})).proxy.rootUrl, a.url);
  await pool.close();
});

test('a pause one proxy refuses fails with RC_ERR_PROXY_POLICY_SYNC, and leaves neither proxy paused', async () => {
  const a = await proxyAt();
  // b cannot drain: a call is held in flight and it waits 1 ms for it.
  const b = await proxyAt(0, { policy: { drainTimeoutMs: 1 } });
  const { pool } = poolOf(a, b);
  await pool.moveTo(0, async () => undefined);
  const rollout = await b.createRollout({});
  const release = engine.holdStreams();
  const response = await fetch(`${rollout.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${rollout.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }], max_tokens: 8, stream: true }),
  });
  await assert.rejects(pool.pause(), (error: { code?: string; message: string }) => {
    assert.equal(error.code, 'RC_ERR_PROXY_POLICY_SYNC');
    assert.match(error.message, new RegExp(`^Could not pause the policy on the proxy at ${b.url}: POST /admin/policy/pause: 1 calls were still in flight after 1 ms`));
    return true;
  });
  assert.deepEqual([(await policy(a)).paused, (await policy(b)).paused], [false, false]);
  assert.deepEqual([(await policy(a)).version, (await policy(b)).version], [0, 0], 'neither moved');
  release();
  await response.text();
  await pool.close();
});

test('a proxy ahead of the run (another run moved it) fails the sync with RC_ERR_PROXY_POLICY_SYNC', async () => {
  const [a, b] = [await proxyAt(), await proxyAt()];
  const { pool } = poolOf(a, b);
  await pool.moveTo(1, async () => undefined);
  await b.admin('POST', '/admin/policy/pause', {});
  await b.admin('POST', '/admin/policy/resume', { version: 5 });
  await assert.rejects(pool.sync(), /^RollcallError: Could not resume the policy on the proxy at .*: it resumed at version 6, not 1: its version was ahead of the run's/);
  await pool.close();
});
