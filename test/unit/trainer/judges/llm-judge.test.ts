import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createLlmJudge } from '../../../../trainer/judges/llm-judge.ts';
import { isJudgeError, type JudgeErrorCode } from '../../../../trainer/judges/judge-errors.ts';
import { parseVerdict } from '../../../../trainer/judges/llm-judge-prompt.ts';
import type { JudgeContext, JudgeTask } from '../../../../trainer/judges/judge-types.ts';

type Reply = { status: number; body: string } | 'destroy' | 'hang';
type Seen = { url: string; headers: IncomingHttpHeaders; body: Record<string, unknown> };

const seen: Seen[] = [];
let script: Reply[] = [];
let server: Server;
let baseUrl = '';

const completion = (content: string): Reply => ({
  status: 200,
  body: JSON.stringify({ choices: [{ index: 0, message: { role: 'assistant', content } }] }),
});
const CORRECT = completion('The response states 18, matching. <verdict>correct</verdict>');

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      const reply = script.shift() ?? CORRECT;
      if (reply === 'destroy') return req.socket.destroy();
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

beforeEach(() => {
  seen.length = 0;
  script = [];
});

const task: JudgeTask = { id: 't1', query: 'How much does Janet make?', referenceAnswer: '#### 18', metadata: {} };
const context = (): JudgeContext => ({
  calls: [],
  auxiliaryModels: { judge: { baseUrl, apiKey: 'sk-secret-key', model: 'grader-1' } },
});
const fast = { maxRetries: 2, retryDelayMs: 1, timeoutMs: 2_000 };

async function rejectsWith(promise: Promise<unknown>, code: JudgeErrorCode): Promise<Error> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return isJudgeError(error) && error.code === code;
  });
  return caught as Error;
}

describe('createLlmJudge', () => {
  it('posts a temperature-0 grading prompt and pays for a correct verdict', async () => {
    const judge = createLlmJudge(fast);
    const result = await judge(task, { response: 'She makes \\boxed{18} dollars.' }, context());
    assert.deepEqual(result, {
      reward: 1,
      isSuccess: true,
      metrics: {
        'judge/has_answer': 1,
        'judge/llm_correct': 1,
        'judge/llm_unparsed': 0,
        'judge/llm_cache_hit': 0,
      },
    });
    const [request] = seen;
    assert.ok(request !== undefined);
    assert.equal(request.url, '/v1/chat/completions');
    assert.equal(request.headers.authorization, 'Bearer sk-secret-key');
    assert.equal(request.body.model, 'grader-1');
    assert.equal(request.body.temperature, 0);
    const prompt = JSON.stringify(request.body.messages);
    for (const part of ['How much does Janet make?', '#### 18', 'She makes \\\\boxed{18} dollars.']) {
      assert.ok(prompt.includes(part), part);
    }
  });

  it('pays wrongReward for an incorrect or a missing verdict', async () => {
    const judge = createLlmJudge({ ...fast, wrongReward: -0.5 });
    script = [completion('No. <verdict>incorrect</verdict>'), completion('I am not sure.')];
    const incorrect = await judge(task, { response: 'It is 17.' }, context());
    assert.equal(incorrect.reward, -0.5);
    assert.equal(incorrect.metrics['judge/llm_unparsed'], 0);
    const unparsed = await judge(task, { response: 'It is 16.' }, context());
    assert.equal(unparsed.reward, -0.5);
    assert.equal(unparsed.metrics['judge/llm_unparsed'], 1);
  });

  it('retries 5xx, 429 and dropped connections, then succeeds', async () => {
    script = [{ status: 500, body: 'boom' }, 'destroy', { status: 429, body: 'slow down' }];
    const judge = createLlmJudge({ ...fast, maxRetries: 3 });
    const result = await judge(task, { response: '18' }, context());
    assert.equal(result.reward, 1);
    assert.equal(seen.length, 4);
  });

  it('fails clearly after the retry budget, without leaking the key', async () => {
    script = Array.from({ length: 5 }, () => ({ status: 503, body: 'overloaded' }));
    const judge = createLlmJudge(fast);
    const error = await rejectsWith(judge(task, { response: '18' }, context()), 'RC_ERR_JUDGE_LLM_UNAVAILABLE');
    assert.equal(seen.length, 3);
    assert.match(error.message, /grader-1.*\/v1\/chat\/completions.*3 tries.*HTTP 503: overloaded/);
    assert.doesNotMatch(error.message, /sk-secret-key/);
  });

  it('times out a hanging request and retries it', async () => {
    script = ['hang'];
    const judge = createLlmJudge({ ...fast, timeoutMs: 100 });
    assert.equal((await judge(task, { response: '18' }, context())).reward, 1);
    assert.equal(seen.length, 2);
  });

  it('reports an unreachable endpoint with its cause', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const judge = createLlmJudge({ ...fast, auxiliaryModel: { baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', model: 'm' } });
    const error = await rejectsWith(judge(task, { response: '18' }, context()), 'RC_ERR_JUDGE_LLM_UNAVAILABLE');
    assert.ok(error.cause instanceof Error);
  });

  it('does not retry a 4xx and says what the endpoint answered', async () => {
    script = [{ status: 401, body: '{"error":{"message":"bad key"}}' }];
    const judge = createLlmJudge(fast);
    const error = await rejectsWith(judge(task, { response: '18' }, context()), 'RC_ERR_JUDGE_LLM_REJECTED');
    assert.equal(seen.length, 1);
    assert.match(error.message, /HTTP 401.*bad key/);
  });

  it('rejects a body without choices', async () => {
    script = [{ status: 200, body: '{"object":"chat.completion"}' }];
    const judge = createLlmJudge(fast);
    await rejectsWith(judge(task, { response: '18' }, context()), 'RC_ERR_JUDGE_LLM_BAD_RESPONSE');
  });

  it('grades identical prompts once, even concurrently', async () => {
    const judge = createLlmJudge(fast);
    const results = await Promise.all([1, 2, 3].map(() => judge(task, { response: '18' }, context())));
    assert.equal(seen.length, 1);
    assert.deepEqual(results.map((r) => r.metrics['judge/llm_cache_hit']), [0, 1, 1]);
    await judge(task, { response: '19' }, context());
    assert.equal(seen.length, 2);
  });

  it('names the missing auxiliary model', async () => {
    const judge = createLlmJudge({ ...fast, auxiliaryModel: 'grader' });
    const error = await rejectsWith(judge(task, { response: '18' }, context()), 'RC_ERR_JUDGE_LLM_NO_MODEL');
    assert.match(error.message, /"grader".*configured: judge/);
  });

  it('does not call the model for an empty output', async () => {
    const judge = createLlmJudge({ ...fast, noAnswerReward: -1 });
    const result = await judge(task, { finalAnswer: '  ' }, context());
    assert.equal(result.reward, -1);
    assert.equal(result.metrics['judge/has_answer'], 0);
    assert.equal(seen.length, 0);
  });

  it('keeps the end of a long response, where the answer is', async () => {
    const judge = createLlmJudge({ ...fast, maxResponseChars: 100 });
    await judge(task, { response: `${'x'.repeat(5_000)} FINAL 18` }, context());
    const prompt = JSON.stringify(seen[0]?.body.messages);
    assert.ok(prompt.includes('FINAL 18'));
    assert.ok(prompt.includes('earlier characters omitted'));
    assert.ok(!prompt.includes('x'.repeat(200)));
  });
});

describe('parseVerdict', () => {
  it('reads the last verdict tag, case-insensitively', () => {
    assert.equal(parseVerdict('<verdict>correct</verdict> … on reflection <VERDICT> Incorrect </VERDICT>'), 'incorrect');
    assert.equal(parseVerdict('correct'), null);
  });
});
