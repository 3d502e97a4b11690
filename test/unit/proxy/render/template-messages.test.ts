import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { templateMessages } from '../../../../proxy/render/template-messages.ts';
import { RollcallError } from '../../../../src/errors/rollcall-error.ts';
import type { ChatMessage } from '../../../../src/wire/openai-chat.ts';

const call = (args: string) => ({ id: 'c1', type: 'function', function: { name: 'f', arguments: args } });

describe('messages as the template sees them (vLLM preprocessing)', () => {
  it('parses tool-call arguments into objects, an empty string into {}', () => {
    const [prepared] = templateMessages([{ role: 'assistant', content: null, tool_calls: [call('{"b":1,"a":[true,null]}'), call('')] }], false);
    assert.deepEqual(prepared, {
      role: 'assistant',
      content: '',
      tool_calls: [
        { id: 'c1', type: 'function', function: { name: 'f', arguments: { b: 1, a: [true, null] } } },
        { id: 'c1', type: 'function', function: { name: 'f', arguments: {} } },
      ],
    });
  });

  it('refuses arguments that are not JSON, naming the message and call, as vLLM answers 400', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: null, tool_calls: [call('{}'), call('{"city": "Par')] }];
    assert.throws(() => templateMessages(messages, false), (error: unknown) => {
      assert.ok(error instanceof RollcallError);
      assert.equal(error.code, 'RC_ERR_REQUEST_VALIDATION');
      assert.equal(error.status, 400);
      assert.equal(error.param, 'messages[1].tool_calls[1].function.arguments');
      assert.match(error.message, /^Invalid request at messages\[1\]\.tool_calls\[1\]\.function\.arguments: not valid JSON \(/);
      return true;
    });
  });

  it('joins text parts with "\\n" for a text template, and keeps parts for a template that loops over them', () => {
    const parts = [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }];
    const messages: ChatMessage[] = [{ role: 'user', content: parts }, { role: 'tool', content: null }];
    assert.deepEqual(templateMessages(messages, false).map((m) => m.content), ['one\ntwo', '']);
    assert.deepEqual(templateMessages(messages, true).map((m) => m.content), [parts, []]);
  });

  it('refuses a non-text part for a text template', () => {
    const messages: ChatMessage[] = [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }];
    assert.throws(() => templateMessages(messages, false), /messages\[0\]\.content\[0\]: a "image_url" part cannot be rendered by a text-only chat template/);
  });

  it('copies an assistant reasoning into reasoning_content, never over one that is given', () => {
    const [copied, kept] = templateMessages(
      [
        { role: 'assistant', content: 'A', reasoning: 'think' },
        { role: 'assistant', content: 'B', reasoning: 'new', reasoning_content: 'old' },
      ],
      false,
    );
    assert.equal(copied?.reasoning_content, 'think');
    assert.equal(kept?.reasoning_content, 'old');
  });

  it('leaves the caller’s messages untouched and passes other keys through', () => {
    const message = { role: 'assistant', content: null, name: 'bot', refusal: null, tool_calls: [call('{"x": 1}')] } as ChatMessage;
    const [prepared] = templateMessages([message], false);
    assert.equal(message.tool_calls?.[0]?.function.arguments, '{"x": 1}');
    assert.equal(prepared?.name, 'bot');
    assert.ok(prepared !== undefined && 'refusal' in prepared);
  });
});
