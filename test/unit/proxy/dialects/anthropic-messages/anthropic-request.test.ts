import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anthropicChatRequest, anthropicCountRequest, type KnownToolCalls } from '../../../../../proxy/dialects/anthropic-messages/anthropic-request.ts';
import { RollcallError } from '../../../../../src/errors/rollcall-error.ts';
import { AnthropicRequestSchema, type AnthropicRequest } from '../../../../../src/wire/anthropic-messages.ts';
import type { WireToolCall } from '../../../../../src/wire/openai-chat.ts';

const NONE: KnownToolCalls = { toolCall: () => undefined };
const known = (...calls: WireToolCall[]): KnownToolCalls => ({ toolCall: (id) => calls.find((c) => c.id === id) });
const request = (fields: Partial<AnthropicRequest>): AnthropicRequest => AnthropicRequestSchema.parse({ model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }], ...fields });

function refusal(fn: () => unknown): { code: string; param: string | null; message: string } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RollcallError);
    return { code: error.code, param: error.param, message: error.message };
  }
  throw new Error('not refused');
}

test('system blocks, tool results (string and block content) and text blocks become chat messages in the order the model reads them', () => {
  const chat = anthropicChatRequest(
    request({
      system: [{ type: 'text', text: 'You are careful.' }, { type: 'text', text: 'Use tools.', cache_control: { type: 'ephemeral' } }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is 6*7?' }, { type: 'text', text: 'Be exact.' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Let me ' }, { type: 'text', text: 'compute.' }, { type: 'tool_use', id: 't1', name: 'calc', input: { code: 'print(6*7)' } }, { type: 'tool_use', id: 't2', name: 'calc', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '42' }, { type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], is_error: true }, { type: 'text', text: 'Go on.' }] },
      ],
    }),
    NONE,
  );
  assert.deepEqual(chat.messages, [
    { role: 'system', content: 'You are careful.\nUse tools.' },
    { role: 'user', content: 'What is 6*7?\nBe exact.' },
    { role: 'assistant', content: 'Let me compute.', tool_calls: [{ id: 't1', type: 'function', function: { name: 'calc', arguments: '{"code":"print(6*7)"}' } }, { id: 't2', type: 'function', function: { name: 'calc', arguments: '{}' } }] },
    { role: 'tool', tool_call_id: 't1', content: '42' },
    { role: 'tool', tool_call_id: 't2', content: 'a\nb' },
    { role: 'user', content: 'Go on.' },
  ]);
});

test('a tool call this rollout answered gets its exact arguments text back; other input or another name does not', () => {
  const answered: WireToolCall = { id: 't1', type: 'function', function: { name: 'calc', arguments: '{"code": "print(6*7)",  "n": 1.0}' } };
  const history = (name: string, input: unknown) =>
    anthropicChatRequest(request({ messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: [{ type: 'thinking', thinking: 'Hmm.', signature: '' }, { type: 'tool_use', id: 't1', name, input }] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '42' }] }] }), known(answered)).messages[1];
  assert.deepEqual(history('calc', { n: 1, code: 'print(6*7)' }), { role: 'assistant', content: null, tool_calls: [answered], reasoning: 'Hmm.' });
  assert.equal(history('calc', { code: 'print(6*8)', n: 1 })?.tool_calls?.[0]?.function.arguments, '{"code":"print(6*8)","n":1}');
  assert.equal(history('other', { n: 1, code: 'print(6*7)' })?.tool_calls?.[0]?.function.arguments, '{"n":1,"code":"print(6*7)"}');
});

test('sampling, stop sequences, tools and tool_choice map to their chat names; metadata and thinking stay in the record only', () => {
  const chat = anthropicChatRequest(
    request({
      temperature: 0.3, top_p: 0.8, top_k: 40, stop_sequences: ['END'], stream: true, metadata: { user_id: 'u1' }, thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: [{ name: 'calc', description: 'Run code', input_schema: { type: 'object', properties: { code: { type: 'string' } } } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    }),
    NONE,
  );
  const { messages: _messages, ...rest } = chat;
  assert.deepEqual(rest, {
    model: 'm', max_tokens: 100, temperature: 0.3, top_p: 0.8, top_k: 40, stop: ['END'], stream: true,
    tools: [{ type: 'function', function: { name: 'calc', description: 'Run code', parameters: { type: 'object', properties: { code: { type: 'string' } } } } }],
    tool_choice: 'required', parallel_tool_calls: false,
  });
  assert.deepEqual(anthropicChatRequest(request({ tool_choice: { type: 'tool', name: 'calc' } }), NONE).tool_choice, { type: 'function', function: { name: 'calc' } });
  assert.equal(anthropicChatRequest(request({ tool_choice: { type: 'none' } }), NONE).tool_choice, 'none');
  assert.deepEqual(anthropicCountRequest({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], system: 'S' }, NONE), { model: 'm', messages: [{ role: 'system', content: 'S' }, { role: 'user', content: 'Hi' }] });
});

test('images, documents, server-side tools and blocks, MCP servers and a prefill are refused, naming where', () => {
  const image = { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'x' } };
  assert.deepEqual(refusal(() => anthropicChatRequest(request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Q' }, image] }] }), NONE)).param, 'messages.0.content.1');
  assert.equal(refusal(() => anthropicChatRequest(request({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [image] }] }] }), NONE)).param, 'messages.0.content.0.content.0');
  assert.equal(refusal(() => anthropicChatRequest(request({ system: [{ type: 'document', source: {} }] }), NONE)).code, 'RC_ERR_DIALECT_UNSUPPORTED_CONTENT');
  const server = refusal(() => anthropicChatRequest(request({ messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: [{ type: 'server_tool_use', id: 's', name: 'web_search', input: {} }] }, { role: 'user', content: 'ok' }] }), NONE));
  assert.deepEqual([server.code, server.param], ['RC_ERR_DIALECT_SERVER_TOOL', 'messages.1.content.0']);
  assert.equal(refusal(() => anthropicChatRequest(request({ tools: [{ type: 'bash_20250124', name: 'bash' }] }), NONE)).code, 'RC_ERR_DIALECT_SERVER_TOOL');
  assert.equal(refusal(() => anthropicChatRequest(request({ mcp_servers: [{ type: 'url', url: 'https://x', name: 'x' }] } as never), NONE)).code, 'RC_ERR_DIALECT_SERVER_TOOL');
  assert.equal(refusal(() => anthropicChatRequest(request({ tools: [{ name: 'calc' }] }), NONE)).param, 'tools.0.input_schema');
  assert.equal(refusal(() => anthropicChatRequest(request({ messages: [{ role: 'user', content: 'Q' }, { role: 'assistant', content: 'A' }] }), NONE)).code, 'RC_ERR_DIALECT_UNSUPPORTED_FIELD');
  assert.equal(AnthropicRequestSchema.safeParse({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }).success, false, 'max_tokens is required');
});
