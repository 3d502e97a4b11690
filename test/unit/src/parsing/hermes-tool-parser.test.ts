import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHermesToolCalls } from '../../../../src/parsing/hermes-tool-parser.ts';
import { sequentialToolCallIds } from '../../../../src/parsing/tool-call.ts';

const parse = (text: string) => parseHermesToolCalls(text, { newToolCallId: sequentialToolCallIds() });
const block = (json: string) => `<tool_call>\n${json}\n</tool_call>`;

test('a single call: name, compact arguments, the exact argument text, no content', () => {
  const result = parse(block('{"name": "get_weather", "arguments": {"city": "Paris", "days": 3}}'));
  assert.deepEqual(result, {
    content: null,
    malformed: null,
    toolCalls: [
      { id: 'call_0', name: 'get_weather', arguments: '{"city":"Paris","days":3}', rawArguments: '{"city": "Paris", "days": 3}' },
    ],
  });
  assert.deepEqual(JSON.parse(result.toolCalls[0]?.arguments ?? ''), { city: 'Paris', days: 3 });
});

test('content before the first call is kept verbatim; parallel calls keep their order and ids', () => {
  const text = `Let me check both.\n\n${block('{"name": "a", "arguments": {}}')}\n${block('{"name": "b", "arguments": {"x": [1]}}')}`;
  const result = parse(text);
  assert.equal(result.content, 'Let me check both.\n\n');
  assert.deepEqual(
    result.toolCalls.map((c) => [c.id, c.name, c.arguments]),
    [
      ['call_0', 'a', '{}'],
      ['call_1', 'b', '{"x":[1]}'],
    ],
  );
});

test('whitespace-only text around calls gives null content; non-blank text after a call is kept', () => {
  assert.equal(parse(`  \n${block('{"name": "a", "arguments": {}}')}\n\n`).content, null);
  assert.equal(parse(`${block('{"name": "a", "arguments": {}}')}\nWaiting for the result.`).content, '\nWaiting for the result.');
  assert.deepEqual(parse('just text'), { content: 'just text', toolCalls: [], malformed: null });
});

test('nested arguments keep exact numbers, escapes and key order', () => {
  const raw = '{"q": {"ids": [12345678901234567890, 1.0], "s": "a \\"b\\" } {", "é": "\\u00e9"}, "z": null}';
  const [call] = parse(block(`{"name": "search", "arguments": ${raw}, "extra": true}`)).toolCalls;
  assert.equal(call?.rawArguments, raw);
  assert.equal(call?.arguments, '{"q":{"ids":[12345678901234567890,1.0],"s":"a \\"b\\" } {","é":"\\u00e9"},"z":null}');
});

test('unicode names and values pass through', () => {
  const [call] = parse(block('{"name": "天気", "arguments": {"city": "Zürich 🏔"}}')).toolCalls;
  assert.equal(call?.name, '天気');
  assert.deepEqual(JSON.parse(call?.arguments ?? ''), { city: 'Zürich 🏔' });
});

test('malformed blocks turn the whole text into content, with a reason, never dropped silently', () => {
  const cases: [string, RegExp][] = [
    [block('{"name": "f", "arguments": {"a": 1}'), /^invalid JSON in <tool_call>/],
    [block('{"name": "f", "arguments": "{\\"a\\": 1}"}'), /"arguments" of "f" must be a JSON object, got a string/],
    [block('{"name": "f", "arguments": [1, 2]}'), /got an array/],
    [block('{"name": "f", "arguments": null}'), /got null/],
    [block('{"name": "f"}'), /has no "arguments"/],
    [block('{"arguments": {}}'), /has no "name" string/],
    [block('{"name": "  ", "arguments": {}}'), /has no "name" string/],
    [block('["f", {}]'), /must hold a JSON object, got an array/],
    ['Checking <tool_call>\n{"name": "f", "arguments": {', /^unterminated <tool_call>/],
  ];
  for (const [text, reason] of cases) {
    const result = parse(text);
    assert.equal(result.content, text);
    assert.deepEqual(result.toolCalls, []);
    assert.match(result.malformed?.reason ?? '', reason, text);
  }
});

test('one malformed block rejects the valid ones beside it', () => {
  const text = `${block('{"name": "a", "arguments": {}}')}\n${block('{"name": "b", "arguments": 1}')}`;
  assert.deepEqual(parse(text).toolCalls, []);
  assert.equal(parse(text).content, text);
});

test('a closing tag inside an argument string ends the block, as in vLLM, and is reported', () => {
  const text = block('{"name": "f", "arguments": {"s": "</tool_call>"}}');
  assert.match(parse(text).malformed?.reason ?? '', /invalid JSON/);
});

test('without an id factory, calls get random OpenAI-shaped ids', () => {
  const text = `${block('{"name": "f", "arguments": {}}')}${block('{"name": "g", "arguments": {}}')}`;
  const [first, second] = parseHermesToolCalls(text).toolCalls;
  assert.match(first?.id ?? '', /^call_[0-9A-Za-z]{24}$/);
  assert.notEqual(first?.id, second?.id);
});
