import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { HermesStreamParser, parseHermes, partialTagOverlap } from '../../fake-engine/tool-parser.ts';

describe('hermes parser (non-streaming)', () => {
  it('leaves text without <tool_call> as content', () => {
    assert.deepEqual(parseHermes('Just text.'), { toolsCalled: false, content: 'Just text.', toolCalls: [] });
  });

  it('parses calls, re-serialises arguments and keeps the text before the first call', () => {
    const result = parseHermes('Let me check.\n<tool_call>\n{"name": "f", "arguments": {"x":1,"y":"é"}}\n</tool_call>\n<tool_call>\n{"name": "g", "arguments": {}}\n</tool_call>');
    assert.equal(result.toolsCalled, true);
    assert.equal(result.content, 'Let me check.\n');
    assert.deepEqual(result.toolCalls.map(({ name, arguments: args }) => [name, args]), [['f', '{"x": 1, "y": "é"}'], ['g', '{}']]);
    for (const call of result.toolCalls) assert.match(call.id, /^chatcmpl-tool-[0-9a-f]{32}$/);
  });

  it('reports blank leading content as null', () => {
    assert.equal(parseHermes('\n \n<tool_call>{"name": "f", "arguments": {}}</tool_call>').content, null);
  });

  it('accepts an unclosed final call (the second regex branch)', () => {
    const result = parseHermes('<tool_call>\n{"name": "f", "arguments": {"a": [1, 2]}}\n');
    assert.deepEqual(result.toolCalls.map((call) => call.arguments), ['{"a": [1, 2]}']);
  });

  it('returns the whole output as content when any call is malformed', () => {
    for (const text of [
      '<tool_call>\n{"name": "f", "arguments": {"a": }\n</tool_call>',
      '<tool_call>{"arguments": {}}</tool_call>',
      '<tool_call>["f"]</tool_call>',
      '<tool_call>{"name": "f", "arguments": {}}</tool_call><tool_call>oops</tool_call>',
    ]) {
      assert.deepEqual(parseHermes(text), { toolsCalled: false, content: text, toolCalls: [] }, text);
    }
  });
});

describe('hermes parser (streaming)', () => {
  it('holds back a possible tag start and streams name, then raw argument fragments', () => {
    const text = 'Ok <tool_call>\n{"name": "f", "arguments": {"x": [1, "}"]}}\n</tool_call>';
    const parser = new HermesStreamParser();
    const deltas = [];
    for (let i = 1; i <= text.length; i += 1) deltas.push(parser.update(text.slice(0, i)));
    const content = deltas.map((d) => d?.content ?? '').join('');
    assert.equal(content, 'Ok ');
    const calls = deltas.flatMap((d) => d?.toolCalls ?? []);
    const [first, ...rest] = calls;
    assert.deepEqual({ ...first, id: undefined }, { id: undefined, type: 'function', index: 0, function: { name: 'f' } });
    assert.equal(rest.map((call) => ('arguments' in call.function ? call.function.arguments : '')).join(''), '{"x": [1, "}"]}');
  });

  it('computes the partial-tag overlap like vLLM', () => {
    assert.equal(partialTagOverlap('abc <tool', '<tool_call>'), 5);
    assert.equal(partialTagOverlap('abc', '<tool_call>'), 0);
  });
});
