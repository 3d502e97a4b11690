import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatModel } from '../../../adapters/agentscope/chat-model.ts';
import type { Msg } from '../../../adapters/agentscope/memory.ts';
import { ReActAgent } from '../../../adapters/agentscope/react-agent.ts';
import { Toolkit } from '../../../adapters/agentscope/toolkit.ts';

const ADD_PARAMS = { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] };

function scriptedModel(replies: Msg[]): ChatModel & { seen: Msg[][] } {
  const seen: Msg[][] = [];
  return {
    seen,
    chat: async (messages) => {
      seen.push(messages);
      return replies[Math.min(seen.length - 1, replies.length - 1)]!;
    },
  };
}

const toolCall = (id: string, name: string, args: string): Msg => ({ role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] });

test('reason–act–observe: the tool result reaches the model, the answer ends the loop', async () => {
  const toolkit = new Toolkit().register('add', 'Add', ADD_PARAMS, ({ a, b }) => String(Number(a) + Number(b)));
  const model = scriptedModel([toolCall('c1', 'add', '{"a": 2, "b": 40}'), { role: 'assistant', content: 'It is \\boxed{42}.' }]);
  const agent = new ReActAgent({ name: 'calc', sysPrompt: 'Use tools.', model, toolkit });
  const reply = await agent.reply({ role: 'user', content: '2+40?' });
  assert.equal(reply.content, 'It is \\boxed{42}.');
  assert.deepEqual(model.seen[1]?.at(-1), { role: 'tool', tool_call_id: 'c1', name: 'add', content: '42' });
  assert.deepEqual(agent.memory.get().map((m) => m.role), ['system', 'user', 'assistant', 'tool', 'assistant']);
});

test('tool errors, bad arguments and unknown tools become messages the model reads', async () => {
  const toolkit = new Toolkit().register('boom', 'Fails', { type: 'object', properties: {} }, () => {
    throw new Error('disk full');
  }).register('add', 'Add', ADD_PARAMS, ({ a, b }) => String(Number(a) + Number(b)));
  assert.match((await toolkit.call('boom', '{}')).content, /boom failed: disk full/);
  assert.match((await toolkit.call('add', '{"a": 1')).content, /not valid JSON/);
  assert.match((await toolkit.call('add', '[1, 2]')).content, /must be a JSON object/);
  assert.match((await toolkit.call('add', '{"a": 1}')).content, /needs b/);
  assert.match((await toolkit.call('nope', '{}')).content, /unknown tool "nope"; available: boom, add/);
  assert.throws(() => toolkit.register('add', 'again', {}, () => ''), /already registered/);
});

test('maxIters bounds the loop and the last message is returned', async () => {
  const toolkit = new Toolkit().register('add', 'Add', ADD_PARAMS, () => '0');
  const model = scriptedModel([toolCall('c', 'add', '{"a": 0, "b": 0}')]);
  const agent = new ReActAgent({ name: 'loop', sysPrompt: 's', model, toolkit, maxIters: 3 });
  const reply = await agent.reply({ role: 'user', content: 'go' });
  assert.equal(model.seen.length, 3);
  assert.equal(reply.tool_calls?.[0]?.function.name, 'add');
});
