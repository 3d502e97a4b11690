import assert from 'node:assert/strict';
import { test } from 'node:test';
import { responsesChatRequest } from '../../../../../proxy/dialects/openai-responses/responses-request.ts';
import { RollcallError } from '../../../../../src/errors/rollcall-error.ts';
import { ResponsesRequestSchema, type ResponsesRequest } from '../../../../../src/wire/openai-responses.ts';

const request = (fields: Record<string, unknown>): ResponsesRequest => ResponsesRequestSchema.parse({ model: 'm', ...fields });

function refusal(fn: () => unknown): { code: string; param: string | null } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof RollcallError);
    return { code: error.code, param: error.param };
  }
  throw new Error('not refused');
}

test('instructions, history and items become chat messages; each run of assistant items is one assistant message', () => {
  const chat = responsesChatRequest(
    request({
      instructions: 'Be exact.',
      input: [
        { role: 'developer', content: 'Use the tool.' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is 6*7?' }, { type: 'input_text', text: 'Then double it.' }] },
        { type: 'reasoning', id: 'rs_1', summary: [], content: [{ type: 'reasoning_text', text: 'Tool first.' }] },
        { type: 'message', role: 'assistant', id: 'msg_1', status: 'completed', content: [{ type: 'output_text', text: 'Computing.', annotations: [] }] },
        { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'calc', arguments: '{"code": "print(6*7)"}' },
        { type: 'function_call', call_id: 'call_2', name: 'calc', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: '42' },
        { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'ok' }] },
        { type: 'function_call', call_id: 'call_3', name: 'calc', arguments: '{"code": "print(84)"}' },
        { type: 'function_call_output', call_id: 'call_3', output: '84' },
      ],
    }),
    [{ role: 'user', content: 'Earlier.' }, { role: 'assistant', content: 'Sure.' }],
  );
  assert.deepEqual(chat.messages, [
    { role: 'system', content: 'Be exact.' },
    { role: 'user', content: 'Earlier.' },
    { role: 'assistant', content: 'Sure.' },
    { role: 'system', content: 'Use the tool.' },
    { role: 'user', content: 'What is 6*7?\nThen double it.' },
    { role: 'assistant', content: 'Computing.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'calc', arguments: '{"code": "print(6*7)"}' } }, { id: 'call_2', type: 'function', function: { name: 'calc', arguments: '{}' } }], reasoning: 'Tool first.' },
    { role: 'tool', tool_call_id: 'call_1', content: '42' },
    { role: 'tool', tool_call_id: 'call_2', content: 'ok' },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_3', type: 'function', function: { name: 'calc', arguments: '{"code": "print(84)"}' } }] },
    { role: 'tool', tool_call_id: 'call_3', content: '84' },
  ]);
});

test('settings map to their chat names: max_output_tokens, function tools, tool_choice, text.format', () => {
  const chat = responsesChatRequest(
    request({
      input: 'Hi', max_output_tokens: 64, temperature: 0.4, top_p: 0.7, parallel_tool_calls: false, stream: true, store: false, metadata: { a: 'b' },
      tools: [{ type: 'function', name: 'calc', description: 'Run', parameters: { type: 'object' }, strict: true }],
      tool_choice: { type: 'function', name: 'calc' },
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
    }),
    [],
  );
  const { messages: _messages, ...rest } = chat;
  assert.deepEqual(rest, {
    model: 'm', max_tokens: 64, temperature: 0.4, top_p: 0.7, parallel_tool_calls: false, stream: true,
    tools: [{ type: 'function', function: { name: 'calc', description: 'Run', parameters: { type: 'object' }, strict: true } }],
    tool_choice: { type: 'function', function: { name: 'calc' } },
    response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
  });
  assert.equal(responsesChatRequest(request({ input: 'Hi', tool_choice: 'required' }), []).tool_choice, 'required');
  assert.deepEqual(responsesChatRequest(request({ input: 'Hi', text: { format: { type: 'json_object' } } }), []).response_format, { type: 'json_object' });
});

test('images, files, hosted tools, item references, background and empty requests are refused, naming where', () => {
  assert.deepEqual(refusal(() => responsesChatRequest(request({ input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] }), [])), { code: 'RC_ERR_DIALECT_UNSUPPORTED_CONTENT', param: 'input.0.content.0' });
  assert.deepEqual(refusal(() => responsesChatRequest(request({ input: 'Hi', tools: [{ type: 'file_search', vector_store_ids: [] }] }), [])), { code: 'RC_ERR_DIALECT_SERVER_TOOL', param: 'tools.0' });
  assert.deepEqual(refusal(() => responsesChatRequest(request({ input: [{ type: 'web_search_call', id: 'ws', status: 'completed' }] }), [])), { code: 'RC_ERR_DIALECT_SERVER_TOOL', param: 'input.0' });
  assert.deepEqual(refusal(() => responsesChatRequest(request({ input: [{ type: 'item_reference', id: 'msg_1' }] }), [])), { code: 'RC_ERR_DIALECT_UNSUPPORTED_FIELD', param: 'input.0' });
  assert.equal(refusal(() => responsesChatRequest(request({ input: 'Hi', conversation: 'conv_1' }), [])).param, 'conversation');
  assert.equal(refusal(() => responsesChatRequest(request({ input: 'Hi', tool_choice: { type: 'web_search_preview' } }), [])).code, 'RC_ERR_DIALECT_UNSUPPORTED_FIELD');
  assert.equal(refusal(() => responsesChatRequest(request({}), [])).code, 'RC_ERR_REQUEST_VALIDATION');
  assert.equal(refusal(() => responsesChatRequest(request({ input: [{ type: 'function_call', name: 'calc', arguments: '{}' }] }), [])).param, 'input.0.call_id');
});
