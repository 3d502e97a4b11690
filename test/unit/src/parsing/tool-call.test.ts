import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createToolCallId,
  sequentialToolCallIds,
  toWireToolCall,
  toWireToolCallDelta,
} from '../../../../src/parsing/tool-call.ts';

const call = { id: 'call_7', name: 'get_weather', arguments: '{"city":"Paris"}', rawArguments: '{"city": "Paris"}' };

test('random ids have OpenAI shape, use the whole base62 alphabet and do not repeat', () => {
  const ids = Array.from({ length: 2000 }, () => createToolCallId());
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^call_[0-9A-Za-z]{24}$/);
  const seen = new Set(ids.flatMap((id) => [...id.slice(5)]));
  assert.equal(seen.size, 62, 'every base62 character occurs');
});

test('sequential ids are deterministic per factory', () => {
  const next = sequentialToolCallIds();
  assert.deepEqual([next(), next()], ['call_0', 'call_1']);
  assert.equal(sequentialToolCallIds('t')(), 't0');
});

test('a parsed call becomes an OpenAI tool call without its raw text', () => {
  assert.deepEqual(toWireToolCall(call), {
    id: 'call_7',
    type: 'function',
    function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
  });
});

test('a streamed call becomes one complete tool-call delta', () => {
  assert.deepEqual(toWireToolCallDelta({ ...call, index: 2 }), {
    index: 2,
    id: 'call_7',
    type: 'function',
    function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
  });
});
