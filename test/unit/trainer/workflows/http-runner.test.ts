import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SERVICE_ANSWER_GRACE_MS, TIMEOUT_HEADER } from '../../../../src/wire/function-service.ts';
import { createHttpRunner } from '../../../../trainer/workflows/http-runner.ts';
import { HttpWorkflowConfigSchema } from '../../../../trainer/workflows/workflow-config.ts';
import type { WorkflowResult } from '../../../../trainer/workflows/workflow-types.ts';
import { sampleInput } from './sample-input.ts';

/** What the fake workflow service saw, by path. */
const seen = { bodies: [] as unknown[], authorization: [] as (string | undefined)[], timeouts: [] as (string | undefined)[], closedHangs: 0 };

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { task: { referenceAnswer: string } };
  seen.bodies.push(body);
  seen.authorization.push(req.headers.authorization);
  seen.timeouts.push(req.headers[TIMEOUT_HEADER] as string | undefined);
  switch (new URL(req.url ?? '/', 'http://fake').pathname) {
    case '/ok':
      return reply(res, 200, JSON.stringify({ finalAnswer: body.task.referenceAnswer, reward: null }));
    case '/error':
      return reply(res, 500, '{"error":"agent kaboom"}');
    case '/garbage':
      return reply(res, 200, '<html>not json</html>');
    case '/bad-shape':
      return reply(res, 200, JSON.stringify({ response: 'x', metrics: { turns: 'three' } }));
    case '/flood':
      return reply(res, 200, JSON.stringify({ response: 'x'.repeat(100_000) }));
    case '/own-timeout': {
      const error = { type: 'timeout', message: 'workflow agent:run did not finish within 200 ms', traceback: '  File "agent.py", line 9, in run\n    time.sleep(60)\n' };
      return reply(res, 504, JSON.stringify({ error }));
    }
    case '/raised':
      return reply(res, 500, JSON.stringify({ error: { type: 'raised', message: 'KeyError: \'tool\'', traceback: 'Traceback …\nKeyError: \'tool\'\n' } }));
    case '/hang':
      res.on('close', () => void (seen.closedHangs += 1));
      return;
  }
  reply(res, 404, 'no route');
}

let server: Server;
let origin = '';
before(async () => {
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function runnerFor(path: string, overrides: { timeoutMs?: number; maxResponseBytes?: number } = {}) {
  return createHttpRunner(
    HttpWorkflowConfigSchema.parse({
      type: 'http',
      url: `${origin}${path}?token=query-secret`,
      headers: { authorization: 'Bearer service-token' },
      timeoutMs: 2_000,
      ...overrides,
    }),
  );
}

function failure(result: WorkflowResult) {
  assert.equal(result.ok, false, JSON.stringify(result));
  return result.ok ? assert.fail('unreachable') : result;
}

describe('http runner', () => {
  it('posts the rollout as camelCase JSON with the configured headers', async () => {
    const result = await runnerFor('/ok').run(sampleInput({ signal: new AbortController().signal }));
    assert.deepEqual(result.ok && result.output, { finalAnswer: '18' });
    assert.deepEqual(seen.bodies.at(-1), {
      task: { id: 'gsm8k-7', index: 7, query: 'What is 6 * 3?', referenceAnswer: '18', metadata: { split: 'train' } },
      baseUrl: 'http://127.0.0.1:8787/v1',
      apiKey: 'rk-test-key',
      model: 'policy',
      rolloutId: 'ro-1',
      attempt: 2,
      metadata: { step: 3 },
      auxiliaryModels: { judge: { baseUrl: 'http://judge/v1', apiKey: 'jk', model: 'qwen3' } },
    });
    assert.equal(seen.authorization.at(-1), 'Bearer service-token');
    assert.equal(seen.timeouts.at(-1), '2000', 'the service is told the run\'s time limit');
  });

  it('keeps a service\'s own failure report: its kind, message and traceback', async () => {
    const raised = failure(await runnerFor('/raised').run(sampleInput()));
    assert.equal(raised.reason, 'crashed');
    assert.equal(raised.message, `workflow endpoint ${origin}/raised raised KeyError: 'tool'`);
    assert.equal(raised.stderr, "Traceback …\nKeyError: 'tool'\n");
    const hung = failure(await runnerFor('/own-timeout', { timeoutMs: 200 }).run(sampleInput()));
    assert.equal(hung.reason, 'timeout');
    assert.equal(hung.message, 'workflow agent:run did not finish within 200 ms');
    assert.match(hung.stderr ?? '', /time\.sleep\(60\)/);
  });

  it('reports a non-2xx answer as crashed with the status and a body excerpt', async () => {
    const result = failure(await runnerFor('/error').run(sampleInput()));
    assert.equal(result.reason, 'crashed');
    assert.equal(result.message, `workflow endpoint ${origin}/error answered HTTP 500: {"error":"agent kaboom"}`);
    assert.ok(!result.message.includes('query-secret'));
  });

  it('reports a body that is not JSON, or not a WorkflowOutput, as bad_output', async () => {
    const garbage = failure(await runnerFor('/garbage').run(sampleInput()));
    assert.equal(garbage.reason, 'bad_output');
    assert.match(garbage.message, /response body is not JSON: <html>not json<\/html>/);
    const shape = failure(await runnerFor('/bad-shape').run(sampleInput()));
    assert.equal(shape.reason, 'bad_output');
    assert.match(shape.message, /output\.metrics\.turns: .*expected number/);
    const flood = failure(await runnerFor('/flood', { maxResponseBytes: 10_000 }).run(sampleInput()));
    assert.equal(flood.reason, 'bad_output');
    assert.match(flood.message, /maxResponseBytes \(10000\)/);
  });

  it('times out a hanging endpoint after the grace it gets to report itself, and closes the request', async () => {
    const closedBefore = seen.closedHangs;
    const result = failure(await runnerFor('/hang', { timeoutMs: 200 }).run(sampleInput()));
    assert.equal(result.reason, 'timeout');
    assert.equal(result.message, 'workflow did not finish within 200 ms');
    assert.ok(result.durationMs >= 200 + SERVICE_ANSWER_GRACE_MS - 10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(seen.closedHangs, closedBefore + 1);
  });

  it('reports cancelled when the caller aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = failure(await runnerFor('/hang').run(sampleInput({ signal: controller.signal })));
    assert.equal(result.reason, 'cancelled');
    assert.ok(result.durationMs < 1_000);
    const early = failure(await runnerFor('/ok').run(sampleInput({ signal: AbortSignal.abort() })));
    assert.equal(early.reason, 'cancelled');
  });

  it('reports an unreachable endpoint as crashed with the cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const runner = createHttpRunner(HttpWorkflowConfigSchema.parse({ type: 'http', url: `http://127.0.0.1:${port}/run` }));
    const result = failure(await runner.run(sampleInput()));
    assert.equal(result.reason, 'crashed');
    assert.match(result.message, /failed: TypeError: fetch failed \(cause: connect ECONNREFUSED/);
  });
});
