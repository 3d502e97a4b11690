import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { JudgeRequestSchema, TIMEOUT_HEADER } from '../../../../src/wire/function-service.ts';
import { createHttpJudge } from '../../../../trainer/judges/http-judge.ts';
import type { JudgeContext, JudgeTask } from '../../../../trainer/judges/judge-types.ts';

const seen: { body: unknown; timeout: string | undefined }[] = [];
const answers: Record<string, [number, string]> = {
  '/ok': [200, JSON.stringify({ reward: 0.8, isSuccess: true, metrics: { 'judge/silent_code_calls': 1 } })],
  '/nan': [200, '{"reward": "high", "isSuccess": true, "metrics": {}}'],
  '/html': [200, '<html>'],
  '/proxy-error': [502, 'bad gateway'],
  '/raised': [500, JSON.stringify({ error: { type: 'raised', message: 'ValueError: no reference', traceback: 'Traceback …\nValueError: no reference\n' } })],
};

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  seen.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), timeout: req.headers[TIMEOUT_HEADER] as string | undefined });
  const answer = answers[req.url ?? ''];
  if (answer === undefined) return; // hang
  res.writeHead(answer[0], { 'content-type': 'application/json' }).end(answer[1]);
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

const task: JudgeTask & { index: number } = { id: 'gsm8k-7', index: 7, query: 'What is 6 * 3?', referenceAnswer: '#### 18', metadata: {} };
const context: JudgeContext = {
  calls: [{ seq: 0, completionText: 'x', toolCalls: [{ name: 'execute_python_code', arguments: '{"code":"6*3"}' }], flags: {}, finishReason: 'tool_calls' }],
  auxiliaryModels: { judge: { baseUrl: 'http://aux/v1', apiKey: 'ak', model: 'm' } },
};
const judgeAt = (path: string, timeoutMs = 2_000) => createHttpJudge({ url: `${origin}${path}`, timeoutMs, label: `judge service ${origin}${path}` });

async function rejectsWith(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error & { code?: string }) => {
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

describe('http judge', () => {
  it('posts task, output and context in the wire shape and returns the verdict', async () => {
    assert.deepEqual(await judgeAt('/ok')(task, { response: '\\boxed{18}' }, context), { reward: 0.8, isSuccess: true, metrics: { 'judge/silent_code_calls': 1 } });
    assert.deepEqual(JudgeRequestSchema.parse(seen.at(-1)?.body), { task, output: { response: '\\boxed{18}' }, context });
    assert.equal(seen.at(-1)?.timeout, '2000');
  });

  it('fails the rollout with the service\'s traceback, or says what was wrong with its answer', async () => {
    await rejectsWith(judgeAt('/raised')(task, { response: 'x' }, context), 'RC_ERR_JUDGE_SERVICE_FAILED', /\/raised raised ValueError: no reference\nTraceback …\nValueError: no reference$/);
    await rejectsWith(judgeAt('/nan')(task, { response: 'x' }, context), 'RC_ERR_JUDGE_BAD_RESULT', /returned reward high, not a finite number/);
    await rejectsWith(judgeAt('/html')(task, { response: 'x' }, context), 'RC_ERR_JUDGE_BAD_RESULT', /not JSON: <html>/);
    await rejectsWith(judgeAt('/proxy-error')(task, { response: 'x' }, context), 'RC_ERR_JUDGE_SERVICE_FAILED', /answered HTTP 502: bad gateway/);
  });

  it('gives up on a service that does not answer, and on one that is not there', async () => {
    await rejectsWith(judgeAt('/hang', 100)(task, { response: 'x' }, context), 'RC_ERR_JUDGE_SERVICE_TIMEOUT', /did not answer within 100 ms/);
    const unreachable = createHttpJudge({ url: 'http://127.0.0.1:9/judge', timeoutMs: 1_000, label: 'judge service http://127.0.0.1:9/judge' });
    await rejectsWith(unreachable(task, { response: 'x' }, context), 'RC_ERR_JUDGE_SERVICE_UNREACHABLE', /could not be reached: fetch failed/);
  });
});
