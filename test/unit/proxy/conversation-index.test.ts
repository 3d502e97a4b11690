import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConversationIndex, messagesKey, type Turn } from '../../../proxy/conversation/conversation-index.ts';
import type { ChatMessage } from '../../../src/wire/openai-chat.ts';

const findIn = (index: ConversationIndex, messages: ChatMessage[], tools: unknown) => index.find(messagesKey(messages, tools), messages);
const turn = (callId: number): Turn => ({ callId, choiceIndex: 0, promptIds: [callId], completionIds: [callId * 10], finishReason: 'stop' });
const history: ChatMessage[] = [
  { role: 'system', content: 'S' },
  { role: 'user', content: 'Q' },
];
const reply = { content: null, toolCalls: [{ id: 'call_a', type: 'function' as const, function: { name: 'run', arguments: '{"code": "print(1)", "t": 5}' } }] };

test('a call continues the turn whose messages and reply prefix its messages, despite rewritten arguments and ids', () => {
  const index = new ConversationIndex();
  index.add(messagesKey(history, undefined), reply, turn(1));
  const next: ChatMessage[] = [
    ...history,
    { role: 'assistant', content: '', reasoning: 'dropped by the client', tool_calls: [{ id: 'other-id', type: 'function', function: { name: 'run', arguments: '{"t":5,"code":"print(1)"}' } }] },
    { role: 'tool', tool_call_id: 'other-id', content: '1' },
  ];
  const found = findIn(index, next, undefined);
  assert.ok('extension' in found);
  assert.equal(found.extension.turn.callId, 1);
  assert.deepEqual(found.extension.appended, [next[3]]);
});

test('changed history, other tools, or other arguments start fresh; the same messages are a retry', () => {
  const index = new ConversationIndex();
  index.add(messagesKey(history, [{ type: 'function', function: { name: 'run' } }]), reply, turn(1));
  const assistant: ChatMessage = { role: 'assistant', content: null, tool_calls: [{ id: 'x', type: 'function', function: { name: 'run', arguments: '{"code":"print(1)","t":5}' } }] };
  const tools = [{ type: 'function', function: { name: 'run' } }];
  assert.ok('extension' in findIn(index, [...history, assistant, { role: 'user', content: 'more' }], tools));
  assert.ok('fresh' in findIn(index, [...history, assistant, { role: 'user', content: 'more' }], undefined), 'tools are part of the key');
  const edited = [{ role: 'system', content: 'S2' }, history[1]!, assistant, { role: 'user', content: 'more' }] as ChatMessage[];
  assert.ok('fresh' in findIn(index, edited, tools));
  const otherArgs: ChatMessage = { ...assistant, tool_calls: [{ id: 'x', type: 'function', function: { name: 'run', arguments: '{"code":"print(2)","t":5}' } }] };
  assert.ok('fresh' in findIn(index, [...history, otherArgs, { role: 'user', content: 'more' }], tools));
  const retry = findIn(index, history, tools);
  assert.ok('retryOf' in retry && retry.retryOf.callId === 1);
});

test('the longest continued turn wins', () => {
  const index = new ConversationIndex();
  index.add(messagesKey(history, undefined), { content: 'A1', toolCalls: [] }, turn(1));
  const second = [...history, { role: 'assistant', content: 'A1' }, { role: 'user', content: 'Q2' }] as ChatMessage[];
  index.add(messagesKey(second, undefined), { content: 'A2', toolCalls: [] }, turn(2));
  const found = findIn(index, [...second, { role: 'assistant', content: 'A2' }, { role: 'user', content: 'Q3' }], undefined);
  assert.ok('extension' in found && found.extension.turn.callId === 2);
});
