import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQwen3CoderToolCalls } from '../../../../src/parsing/qwen3-coder-tool-parser.ts';
import { buildParameterTypeTable, convertParameterValue } from '../../../../src/parsing/qwen3-coder-values.ts';
import type { ToolSpec } from '../../../../src/parsing/qwen3-coder-values.ts';
import { sequentialToolCallIds } from '../../../../src/parsing/tool-call.ts';
import { WEATHER_TOOLS } from './completion-texts.ts';

const parse = (text: string, tools: readonly ToolSpec[] = WEATHER_TOOLS) =>
  parseQwen3CoderToolCalls(text, { tools, newToolCallId: sequentialToolCallIds() });
const param = (key: string, value: string) => `<parameter=${key}>\n${value}\n</parameter>\n`;
const call = (name: string, params: string) => `<tool_call>\n<function=${name}>\n${params}</function>\n</tool_call>`;

test('parameters are typed by the tool schema', () => {
  const params =
    param('city', '42') + param('days', '3') + param('metric', 'True') + param('threshold', '1.50') +
    param('options', '{ "unit": "C" }') + param('hours', '[6, 12]');
  const result = parse(`Checking.\n${call('get_weather', params)}`);
  assert.equal(result.content, 'Checking.\n');
  assert.equal(result.malformed, null);
  assert.equal(result.toolCalls[0]?.name, 'get_weather');
  assert.equal(
    result.toolCalls[0]?.arguments,
    '{"city":"42","days":3,"metric":true,"threshold":1.50,"options":{"unit":"C"},"hours":[6,12]}',
  );
  assert.equal(result.toolCalls[0]?.rawArguments, `\n${params}`);
});

test('a value that does not fit its type stays a string; null fits a nullable type', () => {
  const result = parse(call('get_weather', param('days', 'three') + param('threshold', 'null') + param('metric', 'yes')));
  assert.deepEqual(JSON.parse(result.toolCalls[0]?.arguments ?? ''), { days: 'three', threshold: null, metric: 'yes' });
});

test('without a schema, whole JSON numbers, booleans, null, objects and arrays convert; the rest are strings', () => {
  const params = param('n', '42') + param('b', 'false') + param('z', 'null') + param('o', '{"a": 1}') +
    param('s', 'Paris') + param('q', '"42"') + param('big', '12345678901234567890') + param('t', 'True');
  const [c] = parse(call('unknown_tool', params), []).toolCalls;
  assert.equal(
    c?.arguments,
    '{"n":42,"b":false,"z":null,"o":{"a":1},"s":"Paris","q":"\\"42\\"","big":12345678901234567890,"t":"True"}',
  );
});

test('only one newline on each side of a value is layout; the rest of the value is kept', () => {
  const [c] = parse(call('run', param('code', '\n  if a < b:\n    print("<tool_call>")\n'))).toolCalls;
  assert.deepEqual(JSON.parse(c?.arguments ?? ''), { code: '\n  if a < b:\n    print("<tool_call>")\n' });
});

test('a bare <function=…> without <tool_call> is a call; several calls keep their order', () => {
  const bare = parse(`<function=get_weather>\n${param('city', 'Berlin')}</function>`);
  assert.deepEqual(bare.toolCalls.map((c) => [c.name, c.arguments]), [['get_weather', '{"city":"Berlin"}']]);
  const two = parse(`${call('get_weather', param('days', '2'))}\n${call('noop', '')}`);
  assert.deepEqual(two.toolCalls.map((c) => [c.id, c.name, c.arguments]), [
    ['call_0', 'get_weather', '{"days":2}'],
    ['call_1', 'noop', '{}'],
  ]);
});

test('structural errors make the whole text content with a reason', () => {
  const cases: [string, RegExp][] = [
    [call('get_weather', '<parameter=city>\nParis\n'), /<parameter=city> of get_weather has no <\/parameter>/],
    [call('get_weather', `${param('city', 'Rome')}junk\n`), /unexpected text in <function=get_weather>: "junk\\n"/],
    [call('', param('a', '1')), /invalid <function=NAME> tag/],
    [call('f', '<parameter=>\n1\n</parameter>\n'), /invalid <parameter=…> name/],
    ['<tool_call>\n{"name": "f", "arguments": {}}\n</tool_call>', /must hold exactly one <function=NAME>/],
    [`<tool_call>\n<function=a>\n</function>\n<function=b>\n</function>\n</tool_call>`, /unexpected text in <function=a>/],
    ['Ok <function=get_weather>\n<parameter=city>\nParis', /^unterminated <function=/],
    ['Ok <tool_call>\n<function=get_weather>\n', /^unterminated <tool_call>/],
  ];
  for (const [text, reason] of cases) {
    const result = parse(text);
    assert.equal(result.content, text);
    assert.deepEqual(result.toolCalls, []);
    assert.match(result.malformed?.reason ?? '', reason, text);
  }
});

test('the type table reads type lists, anyOf/oneOf and skips malformed tool definitions', () => {
  const table = buildParameterTypeTable([
    {
      type: 'function',
      function: {
        name: 'f',
        parameters: { properties: { a: { type: ['integer', 'null'] }, b: { oneOf: [{ type: 'array' }] }, c: {} } },
      },
    },
    { type: 'function', function: { description: 'no name' } },
    { type: 'function' },
  ]);
  assert.deepEqual([...table.keys()], ['f']);
  assert.deepEqual(table.get('f')?.get('a'), ['integer', 'null']);
  assert.deepEqual(table.get('f')?.get('b'), ['array']);
  assert.equal(table.get('f')?.get('c'), undefined);
  assert.equal(convertParameterValue('7', ['integer', 'null']), '7');
  assert.equal(convertParameterValue('7.5', ['integer']), '"7.5"');
  assert.equal(convertParameterValue('[1]', ['object']), '"[1]"');
});
