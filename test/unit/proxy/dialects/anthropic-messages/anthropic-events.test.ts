import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageStream } from '@anthropic-ai/sdk/lib/MessageStream';
import { MessageEvents } from '../../../../../proxy/dialects/anthropic-messages/anthropic-events.ts';
import type { ChatReply } from '../../../../../proxy/dialects/chat-reply.ts';
import type { AnthropicStreamEvent } from '../../../../../src/wire/anthropic-messages.ts';
import type { WireChatChunk, WireChunkChoice } from '../../../../../src/wire/openai-chat.ts';

const chunk = (delta: WireChunkChoice['delta'], finish: string | null = null): WireChatChunk => ({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'qwen', choices: [{ index: 0, delta, finish_reason: finish }] });
const reply = (fields: Partial<ChatReply>): ChatReply => ({ model: 'qwen', content: null, reasoning: null, toolCalls: [], finishReason: 'stop', stopReason: null, ...fields });

/** The events read by the SDK's own accumulator (`MessageStream`, one JSON event per line). */
async function sdkMessage(events: readonly AnthropicStreamEvent[]) {
  const lines = events.map((event) => `${JSON.stringify(event)}\n`).join('');
  return MessageStream.fromReadableStream(new Blob([lines]).stream() as never).finalMessage();
}

test('engine-style fragments (role entry, text pieces, tool calls by index with argument fragments) become blocks the SDK assembles', async () => {
  const events = new MessageEvents({ id: 'msg_1', stopSequences: [] });
  const out = [
    ...events.take(chunk({ role: 'assistant', content: '' })),
    ...events.take(chunk({ content: 'Let me ' })),
    ...events.take(chunk({ content: 'check.' })),
    ...events.take(chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'calc', arguments: '' } }] })),
    ...events.take(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"code": ' } }] })),
    ...events.take(chunk({ tool_calls: [{ index: 0, function: { arguments: '"1+1"}' } }] })),
    ...events.take(chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'calc', arguments: '{}' } }] })),
    ...events.take(chunk({}, 'tool_calls')),
  ];
  const toolCalls = [{ id: 'call_a', type: 'function' as const, function: { name: 'calc', arguments: '{"code": "1+1"}' } }, { id: 'call_b', type: 'function' as const, function: { name: 'calc', arguments: '{}' } }];
  out.push(...events.finish(reply({ content: 'Let me check.', toolCalls, finishReason: 'tool_calls' }), { promptTokens: 12, completionTokens: 9, totalTokens: 21 }));
  assert.deepEqual(out.map((e) => e.type), [
    'message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_delta', 'content_block_stop',
    'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop',
    'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop',
  ]);
  const message = await sdkMessage(out);
  assert.deepEqual(message.content, [
    { type: 'text', text: 'Let me check.' },
    { type: 'tool_use', id: 'call_a', name: 'calc', input: { code: '1+1' } },
    { type: 'tool_use', id: 'call_b', name: 'calc', input: {} },
  ]);
  assert.deepEqual([message.id, message.model, message.stop_reason, message.usage.input_tokens, message.usage.output_tokens], ['msg_1', 'qwen', 'tool_use', 12, 9]);
});

test('reasoning opens a thinking block before the text; a stop string among the stop sequences ends with stop_sequence', async () => {
  const events = new MessageEvents({ id: 'msg_2', stopSequences: ['END'] });
  const out = [...events.take(chunk({ reasoning: 'Think' })), ...events.take(chunk({ reasoning: 'ing.', content: 'Done' })), ...events.take(chunk({ content: ' now' }, 'stop'))];
  out.push(...events.finish(reply({ content: 'Done now', reasoning: 'Thinking.', stopReason: 'END' }), null));
  const message = await sdkMessage(out);
  assert.deepEqual(message.content, [{ type: 'thinking', thinking: 'Thinking.', signature: '' }, { type: 'text', text: 'Done now' }]);
  assert.deepEqual([message.stop_reason, message.stop_sequence], ['stop_sequence', 'END']);
});

test('an answer without any chunk still opens and closes the message; a length finish is max_tokens', async () => {
  const events = new MessageEvents({ id: 'msg_3', stopSequences: [] });
  const out = events.finish(reply({ finishReason: 'length' }), { promptTokens: 5, completionTokens: 0, totalTokens: 5 });
  assert.deepEqual(out.map((e) => e.type), ['message_start', 'message_delta', 'message_stop']);
  const message = await sdkMessage(out);
  assert.deepEqual([message.content, message.stop_reason, message.usage.input_tokens], [[], 'max_tokens', 5]);
});
