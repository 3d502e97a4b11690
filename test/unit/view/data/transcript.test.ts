import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredCall } from '../../../../src/store/records.ts';
import { callView } from '../../../../view/data/call-view.ts';
import { transcriptOf } from '../../../../view/data/transcript.ts';

type Message = Record<string, unknown>;

function call(id: number, seq: number, messages: Message[] | null, reply: Message | null, extra: Partial<StoredCall> = {}): StoredCall {
  return {
    id, rolloutId: 'r', seq, status: 'completed', trainable: true, untrainableReason: null, isStream: false,
    requestJson: JSON.stringify(messages === null ? { prompt: 'raw text' } : { messages, temperature: 1.2, top_p: 0.9 }),
    sentJson: JSON.stringify({ $patch: { set: { temperature: 0.7, logprobs: true }, unset: [] } }),
    dialect: 'openai-chat', chatRequestJson: null, answerId: null,
    response: reply === null ? null : { choices: [{ index: 0, message: reply, finish_reason: reply.tool_calls === undefined ? 'stop' : 'tool_calls' }] },
    promptIds: [1, 2], choices: [{ index: 0, completionIds: [3], logprobs: [-1], finishReason: 'stop' }], usage: null,
    latencyMs: 12, ttftMs: 3, engine: 'vllm', replica: null, policyVersion: 4, error: null, mode: 'chat',
    extendsCallId: null, extendsChoice: null, flags: {}, startedAt: 0, endedAt: 1, ...extra,
  };
}

const system = { role: 'system', content: 'Be careful.' };
const user = { role: 'user', content: 'What is 6*7?' };
const toolCall = { role: 'assistant', content: null, reasoning_content: 'I should compute.', tool_calls: [{ id: 't1', type: 'function', function: { name: 'python', arguments: '{"code":"print(6*7)"}' } }] };
const toolResult = { role: 'tool', tool_call_id: 't1', content: '42' };
const answer = { role: 'assistant', content: 'The answer is 42.' };

test('each call adds only the messages it appended to the call it continues, then its reply', () => {
  const calls = [call(1, 1, [system, user], toolCall), call(2, 2, [system, user, toolCall, toolResult], answer, { extendsCallId: 1 })];
  const entries = transcriptOf(calls);
  assert.deepEqual(entries.map((e) => [e.kind, e.callSeq, 'role' in e ? e.role : null]), [
    ['message', 1, 'system'], ['message', 1, 'user'], ['reply', 1, null], ['message', 2, 'tool'], ['reply', 2, null],
  ]);
  const first = entries[2];
  assert.ok(first?.kind === 'reply');
  assert.equal(first.reasoning, 'I should compute.');
  assert.deepEqual(first.toolCalls, [{ id: 't1', name: 'python', arguments: '{"code":"print(6*7)"}' }]);
  assert.equal(first.finishReason, 'tool_calls');
  const tool = entries[3];
  assert.ok(tool?.kind === 'message' && tool.toolCallId === 't1' && tool.content === '42');
});

test('a new context, a branch, a failed call and a request without messages are each told as such', () => {
  const calls = [
    call(1, 1, [system, user], toolCall),
    call(2, 2, [{ role: 'user', content: 'Summarize.' }], answer),
    call(3, 3, [system, user, toolCall, toolResult], null, { extendsCallId: 1, status: 'failed', error: { code: 'RC_ERR_UPSTREAM_TIMEOUT', message: 'no answer in 10 s' }, choices: [] }),
    call(4, 4, null, null, { response: { text: 'raw' } }),
  ];
  const kinds = transcriptOf(calls).map((e) => (e.kind === 'context' ? `context: ${e.note}` : `${e.kind} ${e.callSeq}`));
  assert.deepEqual(kinds, [
    'message 1', 'message 1', 'reply 1',
    'context: call 2 starts a new context: it continues no earlier call', 'message 2', 'reply 2',
    'context: call 3 branches from the call with id 1', 'message 3', 'error 3',
    'raw 4',
  ]);
});

test("a call's view shows the sampling sent, and what the client asked for where it differs", () => {
  const view = callView(call(1, 1, [user], answer));
  assert.deepEqual(view.sampling, { temperature: 0.7, top_p: 0.9, logprobs: true });
  assert.deepEqual(view.requested, { temperature: 1.2 });
  assert.equal(view.policyVersion, 4);
  assert.equal(view.completionTokens, 1);
});
