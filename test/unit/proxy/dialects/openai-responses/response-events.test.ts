import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseStream } from 'openai/lib/responses/ResponseStream';
import type { ChatReply } from '../../../../../proxy/dialects/chat-reply.ts';
import { ResponseEvents } from '../../../../../proxy/dialects/openai-responses/response-events.ts';
import { responseHead } from '../../../../../proxy/dialects/openai-responses/response-object.ts';
import { RollcallError } from '../../../../../src/errors/rollcall-error.ts';
import type { WireChatChunk, WireChunkChoice } from '../../../../../src/wire/openai-chat.ts';
import type { ResponsesStreamEvent } from '../../../../../src/wire/openai-responses.ts';

const chunk = (delta: WireChunkChoice['delta']): WireChatChunk => ({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'qwen', choices: [{ index: 0, delta, finish_reason: null }] });
const reply = (fields: Partial<ChatReply>): ChatReply => ({ model: 'qwen', content: null, reasoning: null, toolCalls: [], finishReason: 'stop', stopReason: null, ...fields });
const head = () => responseHead('resp_1', { model: 'qwen', input: 'Hi', instructions: 'Be brief.' });

/** The events read by the SDK's own accumulator (`ResponseStream`, one JSON event per line). */
async function sdkResponse(events: readonly ResponsesStreamEvent[]) {
  const lines = events.map((event) => `${JSON.stringify(event)}\n`).join('');
  return ResponseStream.fromReadableStream(new Blob([lines]).stream() as never).finalResponse();
}

test('reasoning, text and fragmented tool calls become numbered events the SDK assembles into the response', async () => {
  const events = new ResponseEvents(head());
  const out = [
    ...events.take(chunk({ role: 'assistant', content: '' })),
    ...events.take(chunk({ reasoning: 'Tool first.' })),
    ...events.take(chunk({ content: 'Com' })),
    ...events.take(chunk({ content: 'puting.' })),
    ...events.take(chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'calc', arguments: '{"code": ' } }] })),
    ...events.take(chunk({ tool_calls: [{ index: 0, function: { arguments: '"1"}' } }] })),
  ];
  out.push(...events.finish(reply({ content: 'Computing.', reasoning: 'Tool first.', finishReason: 'tool_calls' }), { promptTokens: 7, completionTokens: 5, totalTokens: 12 }));
  assert.deepEqual(out.map((e) => e.sequence_number), out.map((_, i) => i));
  const response = await sdkResponse(out);
  assert.deepEqual(response.output.map((item) => item.type), ['reasoning', 'message', 'function_call']);
  assert.equal(response.output_text, 'Computing.');
  const call = response.output[2];
  assert.ok(call?.type === 'function_call');
  assert.deepEqual([call.call_id, call.name, call.arguments, call.status], ['call_1', 'calc', '{"code": "1"}', 'completed']);
  assert.deepEqual([response.id, response.status, response.instructions, response.usage?.total_tokens], ['resp_1', 'completed', 'Be brief.', 12]);
});

test('a reply cut by the budget ends response.incomplete; a failure ends with error and response.failed', async () => {
  const cut = new ResponseEvents(head());
  const out = [...cut.take(chunk({ content: 'Partial' })), ...cut.finish(reply({ content: 'Partial', finishReason: 'length' }), null)];
  assert.equal(out.at(-1)?.type, 'response.incomplete');
  const response = await sdkResponse(out);
  assert.deepEqual([response.status, response.incomplete_details, (response.output[0] as { status?: string } | undefined)?.status], ['incomplete', { reason: 'max_output_tokens' }, 'incomplete']);

  const broken = new ResponseEvents(head());
  const failed = [...broken.take(chunk({ content: 'Partial' })), ...broken.fail(new RollcallError('RC_ERR_UPSTREAM_STREAM_BROKEN', { detail: 'reset' }))];
  assert.deepEqual(failed.slice(-2).map((e) => e.type), ['error', 'response.failed']);
  const last = failed.at(-1);
  assert.ok(last?.type === 'response.failed');
  assert.deepEqual([last.response.status, last.response.error?.code], ['failed', 'RC_ERR_UPSTREAM_STREAM_BROKEN']);
});
