import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { normalizeMessages, normalizeTools } from '../../fake-engine/chat-messages.ts';
import { renderChatTemplate, type TemplateVariant } from '../../fake-engine/chat-template.ts';
import { FakeEngineError } from '../../fake-engine/errors.ts';
import { CALC_TOOL } from './engine-client.ts';

function render(messages: unknown[], variant: TemplateVariant, extra: { tools?: unknown[]; addGenerationPrompt?: boolean; continueFinalMessage?: boolean; enableThinking?: boolean } = {}): string {
  return renderChatTemplate(normalizeMessages(messages), normalizeTools(extra.tools), {
    variant,
    addGenerationPrompt: extra.addGenerationPrompt ?? true,
    continueFinalMessage: extra.continueFinalMessage ?? false,
    enableThinking: extra.enableThinking,
  });
}

const TOOL_TURN = {
  role: 'assistant',
  content: null,
  tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'execute_python_code', arguments: '{"code":"print(2+2)"}' } }],
};

describe('chat template', () => {
  it('qwen25 adds the default system prompt and the generation prompt', () => {
    assert.equal(
      render([{ role: 'user', content: 'Hi' }], 'qwen25'),
      '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' +
        '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    );
    assert.equal(render([{ role: 'user', content: 'Hi' }], 'qwen3', { addGenerationPrompt: false }), '<|im_start|>user\nHi<|im_end|>\n');
  });

  it('puts each tool, json.dumps-ed in full, into the system turn with the <tool_call> instruction', () => {
    const text = render([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], 'qwen3', { tools: [CALC_TOOL] });
    assert.ok(
      text.startsWith(
        '<|im_start|>system\nBe brief.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n' +
          'You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n' +
          '{"type": "function", "function": {"name": "execute_python_code", "description": "Run Python code and print the result", ' +
          '"parameters": {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]}}}\n</tools>\n\n' +
          'For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n' +
          '<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n<|im_start|>user\nHi',
      ),
      text,
    );
    const bare = render([{ role: 'user', content: 'Hi' }], 'qwen3', { tools: [{ type: 'function', function: { name: 'f' } }] });
    assert.ok(bare.includes('{"type": "function", "function": {"name": "f", "description": null, "parameters": null}}'));
  });

  it('re-serialises history tool-call arguments with Python separators and merges tool responses', () => {
    const text = render(
      [
        { role: 'user', content: 'Compute' },
        TOOL_TURN,
        { role: 'tool', tool_call_id: 'call_1', content: '4' },
        { role: 'tool', tool_call_id: 'call_2', content: 'done' },
        { role: 'assistant', content: 'It is 4.' },
      ],
      'qwen3',
      { addGenerationPrompt: false },
    );
    assert.equal(
      text,
      '<|im_start|>user\nCompute<|im_end|>\n' +
        '<|im_start|>assistant\n<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(2+2)"}}\n</tool_call><|im_end|>\n' +
        '<|im_start|>user\n<tool_response>\n4\n</tool_response>\n<tool_response>\ndone\n</tool_response><|im_end|>\n' +
        '<|im_start|>assistant\n<think>\n\n</think>\n\nIt is 4.<|im_end|>\n',
    );
  });

  it('puts a newline between content and the first tool call only when there is content', () => {
    const text = render([{ role: 'user', content: 'x' }, { ...TOOL_TURN, content: 'Let me run it.' }], 'qwen25', { addGenerationPrompt: false });
    assert.ok(text.endsWith('<|im_start|>assistant\nLet me run it.\n<tool_call>\n{"name": "execute_python_code", "arguments": {"code": "print(2+2)"}}\n</tool_call><|im_end|>\n'));
  });

  it('qwen3 drops reasoning before the last user query and keeps it after (drift)', () => {
    const messages = [
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1', reasoning: 'thought one' },
      { role: 'user', content: 'Q2' },
      { role: 'assistant', content: 'A2', reasoning_content: '\nthought two\n' },
    ];
    const qwen3 = render(messages, 'qwen3', { addGenerationPrompt: false });
    assert.ok(qwen3.includes('<|im_start|>assistant\nA1<|im_end|>'));
    assert.ok(!qwen3.includes('thought one'));
    assert.ok(qwen3.includes('<|im_start|>assistant\n<think>\nthought two\n</think>\n\nA2<|im_end|>'));
    const qwen25 = render(messages, 'qwen25', { addGenerationPrompt: false });
    assert.ok(qwen25.includes('<|im_start|>assistant\n<think>\nthought one\n</think>\n\nA1<|im_end|>'), 'qwen25 keeps every turn');
  });

  it('qwen3 honours enable_thinking: false in the generation prompt', () => {
    assert.ok(render([{ role: 'user', content: 'Hi' }], 'qwen3', { enableThinking: false }).endsWith('<|im_start|>assistant\n<think>\n\n</think>\n\n'));
  });

  it('continue_final_message leaves the last message open', () => {
    const text = render([{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hel' }], 'qwen25', { addGenerationPrompt: false, continueFinalMessage: true });
    assert.ok(text.endsWith('<|im_start|>assistant\nHel'));
  });

  it('refuses assistant arguments that are not JSON with a 400, like vLLM', () => {
    const bad = { ...TOOL_TURN, tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{"code": ' } }] };
    assert.throws(() => normalizeMessages([bad]), (error: unknown) => error instanceof FakeEngineError && error.status === 400 && /Expecting value/.test(error.message));
  });

  it('joins text content parts with newlines', () => {
    assert.ok(render([{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }], 'qwen3').includes('user\na\nb<|im_end|>'));
  });
});
