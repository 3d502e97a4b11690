import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { EnvServiceClient } from '../../../../trainer/tasks/env-service-client.ts';
import { describeTasks, readTasks } from '../../../../trainer/tasks/read-tasks.ts';
import { isTaskError } from '../../../../trainer/tasks/task-errors.ts';
import { taskErrorWith } from './task-assertions.ts';

type Reply = { status: number; body: unknown } | 'hang';
type Seen = { method: string; url: string; body: unknown };

/** A fake environment service speaking the AgentJet protocol under `/envs`, one scripted reply per call. */
const seen: Seen[] = [];
let script: Reply[] = [];
let server: Server;
let url = '';
const clients: EnvServiceClient[] = [];

const ok = (data: unknown): Reply => ({ status: 200, body: { success: true, data } });
const observation = (content: string, extra: Record<string, unknown> = {}) => ({
  state: [{ role: 'user', content }],
  reward: 0,
  is_terminated: false,
  info: { instance_id: 'inst-1', task_id: 'task-a' },
  ...extra,
});

function client(timeoutMs = 2_000, base = url): EnvServiceClient {
  const made = new EnvServiceClient({ url: base, timeoutMs });
  clients.push(made);
  return made;
}

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', body: text === '' ? undefined : JSON.parse(text) });
      const reply = script.shift() ?? { status: 404, body: { detail: 'Not Found' } };
      if (reply === 'hang') return;
      const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/envs/`;
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((made) => made.close()));
  seen.length = 0;
  script = [];
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('EnvServiceClient', () => {
  it('lists task ids of a split with the reference client body', async () => {
    script = [ok(['task-a', 'task-b', 7])];
    assert.deepEqual(await client().listTasks('appworld', 'dev'), ['task-a', 'task-b', '7']);
    assert.deepEqual(seen[0], {
      method: 'POST',
      url: '/envs/get_env_profile',
      body: { env_type: 'appworld', task_id: null, instance_id: null, messages: {}, params: { split: 'dev' } },
    });
  });

  it('accepts the older `task_ids` answer', async () => {
    script = [{ status: 200, body: { task_ids: ['x'] } }];
    assert.deepEqual(await client().listTasks('appworld', 'train'), ['x']);
  });

  it('runs create → step → evaluate → release with snake_case on the wire and camelCase back', async () => {
    script = [
      ok(observation('Do the task')),
      ok(observation('Output: 1', { reward: 0.25, is_terminated: true })),
      ok(0.75),
      { status: 200, body: { success: true, data: null } },
    ];
    const env = client();
    const instance = await env.create('appworld', 'task-a', { params: { prompt: true } });
    assert.equal(instance.instanceId, 'inst-1');
    assert.equal(instance.taskId, 'task-a');
    assert.deepEqual(instance.state, [{ role: 'user', content: 'Do the task' }]);
    assert.equal(instance.isTerminated, false);
    const next = await env.step(instance.instanceId, { role: 'assistant', content: 'print(1)' });
    assert.deepEqual([next.reward, next.isTerminated], [0.25, true]);
    assert.equal(await env.evaluate(instance.instanceId, { params: { sparse: false } }), 0.75);
    assert.equal(await env.release(instance.instanceId), true);
    assert.deepEqual(
      seen.map((call) => [call.url, call.body]),
      [
        ['/envs/create', { env_type: 'appworld', task_id: 'task-a', instance_id: null, messages: {}, params: { prompt: true } }],
        ['/envs/step', { env_type: 'default', task_id: null, instance_id: 'inst-1', messages: { role: 'assistant', content: 'print(1)' }, params: {} }],
        ['/envs/evaluate', { env_type: 'default', task_id: null, instance_id: 'inst-1', messages: {}, params: { sparse: false } }],
        ['/envs/release', { env_type: 'default', task_id: null, instance_id: 'inst-1', messages: {}, params: {} }],
      ],
    );
  });

  it('keeps a caller-chosen instance id and refuses a create answer that names no instance', async () => {
    script = [ok(observation('hi', { info: {} })), ok(observation('hi', { info: {} }))];
    const env = client();
    assert.equal((await env.create('appworld', 'task-a', { instanceId: 'mine' })).instanceId, 'mine');
    assert.equal((seen[0]?.body as { instance_id: unknown }).instance_id, 'mine');
    await assert.rejects(env.create('appworld', 'task-a'), taskErrorWith('RC_ERR_ENV_BAD_RESPONSE', 'instance_id'));
  });

  it('reports a release the service refused as false', async () => {
    script = [{ status: 200, body: { success: false, data: null } }];
    assert.equal(await client().release('gone'), false);
  });

  it("surfaces FastAPI's detail; only overload statuses are retryable", async () => {
    const traceback = `Traceback (most recent call last):\n${'  File "env.py", line 1\n'.repeat(80)}KeyError: 'inst-9'`;
    script = [{ status: 500, body: { detail: traceback } }, { status: 503, body: 'busy' }, { status: 400, body: { detail: 'task_id is required' } }];
    const env = client();
    await assert.rejects(env.step('inst-9', { role: 'assistant', content: 'x' }), (error: unknown) => {
      taskErrorWith('RC_ERR_ENV_FAILED', 'step failed with HTTP 500', "KeyError: 'inst-9'")(error);
      assert.equal(isTaskError(error) && error.retryable, false);
      assert.ok(isTaskError(error) && error.message.length < 800);
      return true;
    });
    await assert.rejects(env.evaluate('inst-9'), (error: unknown) => isTaskError(error) && error.retryable && error.message.includes('HTTP 503: busy'));
    await assert.rejects(env.create('appworld', ''), taskErrorWith('RC_ERR_ENV_FAILED', 'HTTP 400: task_id is required'));
  });

  it('names the field of a malformed answer and refuses a non-JSON one', async () => {
    script = [ok({ state: [], reward: 0 }), { status: 200, body: '<html>proxy</html>' }];
    const env = client();
    await assert.rejects(env.step('i', { role: 'assistant', content: 'x' }), taskErrorWith('RC_ERR_ENV_BAD_RESPONSE', 'step', 'at is_terminated'));
    await assert.rejects(env.evaluate('i'), taskErrorWith('RC_ERR_ENV_BAD_RESPONSE', 'not JSON', '<html>'));
  });

  it('times out a silent service with a retryable error', async () => {
    script = ['hang'];
    const started = Date.now();
    await assert.rejects(client(150).evaluate('i'), (error: unknown) => {
      taskErrorWith('RC_ERR_ENV_TIMEOUT', 'within 150 ms')(error);
      return isTaskError(error) && error.retryable;
    });
    assert.ok(Date.now() - started < 2_000);
  });

  it('reports a refused connection as unreachable and retryable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(client(2_000, `http://127.0.0.1:${port}`).listTasks('appworld', 'train'), (error: unknown) => {
      taskErrorWith('RC_ERR_ENV_UNREACHABLE', `127.0.0.1:${port}`, 'ECONNREFUSED')(error);
      return isTaskError(error) && error.retryable;
    });
  });

  it("passes the caller's abort through untouched", async () => {
    script = ['hang'];
    const controller = new AbortController();
    const pending = client().evaluate('i', { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(pending, (error: unknown) => !isTaskError(error));
  });

  it('checks health with GET /healthz', async () => {
    script = [{ status: 200, body: 'OK' }, { status: 503, body: 'down' }];
    const env = client();
    assert.equal(await env.isHealthy(), true);
    assert.equal(await env.isHealthy(), false);
    assert.deepEqual(seen.map((call) => [call.method, call.url]), [['GET', '/envs/healthz'], ['GET', '/envs/healthz']]);
  });
});

describe('env_service task reader', () => {
  const config = () => ({ type: 'env_service', url, envType: 'appworld', split: 'dev', timeoutMs: 2_000 }) as const;

  it('makes one task per listed id, the environment type in metadata', async () => {
    script = [ok(['a1', 'b2'])];
    const tasks = await readTasks(config(), '/');
    assert.deepEqual(tasks, [
      { id: 'a1', index: 0, query: '', metadata: { envType: 'appworld', split: 'dev' } },
      { id: 'b2', index: 1, query: '', metadata: { envType: 'appworld', split: 'dev' } },
    ]);
    assert.match(describeTasks(tasks), /^2 tasks, ids a1 … b2, 0 with a reference answer, no query text/);
  });

  it('refuses duplicate ids and an empty list, naming the service', async () => {
    script = [ok(['a1', 'b2', 'a1']), ok([])];
    await assert.rejects(readTasks(config(), '/'), taskErrorWith('RC_ERR_TASKS_DUPLICATE_ID', '"a1"', 'position 0 and', 'position 2'));
    await assert.rejects(readTasks(config(), '/'), taskErrorWith('RC_ERR_TASKS_EMPTY', 'env "appworld" split "dev"'));
  });
});
