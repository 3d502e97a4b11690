import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCompletionText } from '../../../../src/parsing/chat-message-parser.ts';
import type { ChatParseOptions } from '../../../../src/parsing/chat-message-parser.ts';
import { sequentialToolCallIds } from '../../../../src/parsing/tool-call.ts';
import { WEATHER_TOOLS } from './completion-texts.ts';

const hermes = (extra: Partial<ChatParseOptions> = {}): ChatParseOptions => ({
  toolParser: 'hermes',
  reasoning: true,
  newToolCallId: sequentialToolCallIds(),
  ...extra,
});
const weather = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>';

test('reasoning, then a tool call: an OpenAI message with finish reason tool_calls', () => {
  assert.deepEqual(parseCompletionText(`<think>\nNeed the weather.\n</think>\n\n${weather}`, hermes()), {
    content: null,
    reasoning: '\nNeed the weather.\n',
    toolCalls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
    rawToolArguments: ['{"city": "Paris"}'],
    malformedToolCall: null,
    unterminatedReasoning: false,
    finishReason: 'tool_calls',
  });
});

test('a <tool_call> inside the think block is not a call', () => {
  const message = parseCompletionText(`<think>\nMaybe ${weather}?\n</think>\n\nNo tool needed.`, hermes());
  assert.deepEqual(message.toolCalls, []);
  assert.equal(message.content, 'No tool needed.');
  assert.equal(message.reasoning, `\nMaybe ${weather}?\n`);
  assert.equal(message.finishReason, null);
  assert.equal(message.malformedToolCall, null);
});

test('think block without tool calls', () => {
  const message = parseCompletionText('<think>\n2+2\n</think>\n\n4', hermes());
  assert.equal(message.reasoning, '\n2+2\n');
  assert.equal(message.content, '4');
  assert.deepEqual(message.toolCalls, []);
});

test('unterminated reasoning: no content, no calls, flagged', () => {
  const message = parseCompletionText(`<think>\nplanning ${weather}`, hermes());
  assert.equal(message.content, null);
  assert.equal(message.unterminatedReasoning, true);
  assert.deepEqual(message.toolCalls, []);
});

test('startsInReasoning for templates that open the block in the prompt', () => {
  const message = parseCompletionText(`weather first\n</think>\n\n${weather}`, hermes({ startsInReasoning: true }));
  assert.equal(message.reasoning, 'weather first\n');
  assert.equal(message.toolCalls.length, 1);
});

test('reasoning off: think tags are plain content and a call after them still parses', () => {
  const options = hermes({ reasoning: false, startsInReasoning: true });
  const message = parseCompletionText(`<think>x</think>${weather}`, options);
  assert.equal(message.reasoning, null);
  assert.equal(message.content, '<think>x</think>');
  assert.equal(message.toolCalls.length, 1);
});

test('a malformed call is reported and its text returned as content', () => {
  const text = '<think>r</think>\n\nOk <tool_call>\n{"name": "f", "arguments": [1]}\n</tool_call>';
  const message = parseCompletionText(text, hermes());
  assert.equal(message.content, 'Ok <tool_call>\n{"name": "f", "arguments": [1]}\n</tool_call>');
  assert.equal(message.reasoning, 'r');
  assert.match(message.malformedToolCall ?? '', /must be a JSON object, got an array/);
  assert.equal(message.finishReason, null);
});

test('tool parser none and blank output', () => {
  assert.equal(parseCompletionText(weather, { toolParser: 'none', reasoning: false }).content, weather);
  assert.equal(parseCompletionText('\n\n', { toolParser: 'none', reasoning: false }).content, null);
  assert.equal(parseCompletionText('<think>r</think>\n\n', hermes()).content, null);
});

test('qwen3_coder with the request tools types the arguments', () => {
  const text = '<think>\nok\n</think>\n\n<tool_call>\n<function=get_weather>\n<parameter=city>\nOslo\n</parameter>\n' +
    '<parameter=days>\n2\n</parameter>\n</function>\n</tool_call>';
  const message = parseCompletionText(text, hermes({ toolParser: 'qwen3_coder', tools: WEATHER_TOOLS }));
  assert.deepEqual(message.toolCalls, [
    { id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo","days":2}' } },
  ]);
  assert.equal(message.finishReason, 'tool_calls');
});
