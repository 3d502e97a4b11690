import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLocalRenderer } from '../../../../proxy/render/local-renderer.ts';
import { RollcallError } from '../../../../src/errors/rollcall-error.ts';
import type { ChatMessage } from '../../../../src/wire/openai-chat.ts';
import { IDS, QWEN2_TINY, request } from './tokenizer-fixture.ts';

const renderer = createLocalRenderer(QWEN2_TINY);

const TOOLS = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  },
];

/** A tool round as an OpenAI client sends it back: arguments are compact JSON strings, content null. */
const CONVERSATION: ChatMessage[] = [
  { role: 'system', content: 'You are a weather bot.' },
  { role: 'user', content: 'Weather in Paris and Lyon?' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"°C"}' } },
      { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Lyon","unit":"°C"}' } },
    ],
  },
  { role: 'tool', tool_call_id: 'call_1', content: '{"temp": 21}' },
  { role: 'tool', tool_call_id: 'call_2', content: '{"temp": 19}' },
  { role: 'assistant', content: 'Paris 21°C, Lyon 19°C.' },
  { role: 'user', content: 'Thanks!' },
];

/** What transformers' apply_chat_template renders for CONVERSATION with vLLM's dict arguments. */
const EXPECTED = [
  '<|im_start|>system\nYou are a weather bot.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n',
  'You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n',
  '{"type": "function", "function": {"name": "get_weather", "description": "Current weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}\n',
  '</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n',
  '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n',
  '<|im_start|>user\nWeather in Paris and Lyon?<|im_end|>\n',
  '<|im_start|>assistant\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris", "unit": "°C"}}\n</tool_call>\n',
  '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Lyon", "unit": "°C"}}\n</tool_call><|im_end|>\n',
  '<|im_start|>user\n<tool_response>\n{"temp": 21}\n</tool_response>\n<tool_response>\n{"temp": 19}\n</tool_response><|im_end|>\n',
  '<|im_start|>assistant\nParis 21°C, Lyon 19°C.<|im_end|>\n',
  '<|im_start|>user\nThanks!<|im_end|>\n',
].join('');

const count = (ids: readonly number[], id: number) => ids.filter((x) => x === id).length;

describe('local chat-template rendering', () => {
  it('renders a multi-turn tool conversation exactly as transformers does, arguments re-serialised by tojson', () => {
    assert.equal(renderer.renderText(request(CONVERSATION, { tools: TOOLS, addGenerationPrompt: false })), EXPECTED);
  });

  it('tokenizes the rendered text with special and added tokens as single ids, adding nothing', async () => {
    const ids = await renderer.render(request(CONVERSATION, { tools: TOOLS, addGenerationPrompt: false }));
    assert.deepEqual(ids, await renderer.tokenizeText(EXPECTED));
    assert.equal(count(ids, IDS.imStart), 6, 'one <|im_start|> per rendered turn, tool results merged into one');
    assert.equal(count(ids, IDS.imEnd), 6);
    assert.equal(count(ids, IDS.toolCall), 4, 'the two calls and the two in the system turn’s instruction');
    assert.equal(count(ids, IDS.toolResponse), 2);
    assert.deepEqual(ids.slice(0, 3), [IDS.imStart, IDS.system, IDS.newline], 'no BOS: the template writes none');
  });

  it('tokenizes plain text byte-level with the BPE merges applied', async () => {
    assert.deepEqual(await renderer.tokenizeText('<|im_start|>user\nHi!<|im_end|>'), [IDS.imStart, IDS.user, IDS.newline, 72, 105, 33, IDS.imEnd]);
    assert.deepEqual(await renderer.tokenizeText('é'), [195, 169], 'two UTF-8 bytes, two byte tokens');
  });

  it('adds the generation prompt only when asked', async () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'Hi!' }];
    const closed = renderer.renderText(request(messages, { addGenerationPrompt: false }));
    assert.equal(closed, '<|im_start|>system\nYou are a tiny test model.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n');
    assert.equal(renderer.renderText(request(messages)), `${closed}<|im_start|>assistant\n`);
    const closedIds = await renderer.render(request(messages, { addGenerationPrompt: false }));
    assert.deepEqual(closedIds.slice(-8), [IDS.imStart, IDS.user, IDS.newline, 72, 105, 33, IDS.imEnd, IDS.newline]);
    assert.deepEqual(await renderer.render(request(messages)), [...closedIds, IDS.imStart, IDS.assistant, IDS.newline]);
  });

  it('passes chat_template_kwargs to the template', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'Hi!' }];
    assert.ok(renderer.renderText(request(messages, { chatTemplateKwargs: { enable_thinking: false } })).endsWith('<|im_start|>assistant\n<think>\n\n</think>\n\n'));
    assert.ok(renderer.renderText(request(messages, { chatTemplateKwargs: { enable_thinking: true } })).endsWith('<|im_start|>assistant\n'));
  });

  it('lets kwargs override special tokens but never the messages or the generation prompt', () => {
    const text = renderer.renderText(request([{ role: 'user', content: 'Hi!' }], { chatTemplateKwargs: { messages: [], add_generation_prompt: false } }));
    assert.ok(text.includes('Hi!') && text.endsWith('<|im_start|>assistant\n'));
  });

  it('renders tools only when given, an empty list as none (falsy in Jinja)', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'Hi!' }];
    assert.ok(renderer.renderText(request(messages, { tools: TOOLS })).includes('<tools>\n{"type": "function", "function": {"name": "get_weather"'));
    assert.ok(!renderer.renderText(request(messages, { tools: [] })).includes('<tools>'));
    assert.ok(!renderer.renderText(request(messages, { tools: null })).includes('<tools>'));
  });

  it('reports a template that raises as a 400 with the template’s own message', async () => {
    await assert.rejects(renderer.render(request([{ role: 'developer', content: 'Be brief.' }])), (error: unknown) => {
      assert.ok(error instanceof RollcallError);
      assert.equal(error.code, 'RC_ERR_RENDER_TEMPLATE');
      assert.equal(error.status, 400);
      assert.equal(error.message, `Rendering the chat template locally from ${renderer.modelDir} failed: the chat template raised an exception: Unsupported message role: developer`);
      return true;
    });
  });

  it('reports a template that fails at run time with the failure', async () => {
    await assert.rejects(renderer.render(request([{ role: 'user', content: 'Hi!' }], { tools: 5 })), (error: unknown) => {
      assert.ok(error instanceof RollcallError);
      assert.equal(error.code, 'RC_ERR_RENDER_TEMPLATE');
      assert.match(error.message, /failed: the chat template failed \(.+\)$/);
      return true;
    });
  });
});
