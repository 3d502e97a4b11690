import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { CALC_TOOL } from './conversation.ts';

/**
 * A 6-call tool-using rollout with a second user question half way. The model writes compact
 * tool-call JSON with its own key order (a template re-serializes it with other spacing) and
 * thinks before acting (Qwen3's template drops those think blocks once a new user turn comes).
 */
export const SIX_TURN_SCRIPT = [
  '<think>\nI should compute 6*7 with the tool.\n</think>\n\n<tool_call>\n{"arguments":{"code":"print(6*7)"},"name":"execute_python_code"}\n</tool_call>',
  '<think>\nCheck it once more.\n</think>\n\n<tool_call>\n{"name":"execute_python_code","arguments":{"code":"x = 6*7\\nprint(x)"}}\n</tool_call>',
  '<think>\nBoth runs printed 42.\n</think>\n\nThe answer is \\boxed{42}.',
  '<think>\nDouble 42 with the tool.\n</think>\n\n<tool_call>\n{"name": "execute_python_code", "arguments": {"code":"print(42*2)", "timeout" :5}}\n</tool_call>',
  '<tool_call>\n{"arguments":{"timeout":5,"code":"print(84)"},"name":"execute_python_code"}\n</tool_call>',
  '<think>\nThe tool says 84.\n</think>\n\nDoubled, it is \\boxed{84}.',
];

export type AgentRun = { replies: OpenAI.Chat.Completions.ChatCompletionMessage[] };

/** Runs the scripted agent; the client sends each reply back as it came (a real SDK loop). */
export async function runSixTurnAgent(openai: OpenAI, script: string, options: { stream: boolean }): Promise<AgentRun> {
  const tools: ChatCompletionTool[] = [CALC_TOOL as unknown as ChatCompletionTool];
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: `You are a math agent. [[script:${script}]]` },
    { role: 'user', content: 'Compute 6*7.' },
  ];
  const replies: OpenAI.Chat.Completions.ChatCompletionMessage[] = [];
  for (let turn = 0; turn < 6; turn++) {
    const reply = options.stream ? await streamed(openai, messages, tools) : (await openai.chat.completions.create({ model: 'fake-model', messages, tools })).choices[0]!.message;
    replies.push(reply);
    messages.push(reply as ChatCompletionMessageParam);
    for (const call of reply.tool_calls ?? []) {
      if (call.type !== 'function') continue;
      const code = (JSON.parse(call.function.arguments) as { code: string }).code;
      messages.push({ role: 'tool', tool_call_id: call.id, content: code.includes('84') || code.includes('42*2') ? '84\n' : '42\n' });
    }
    if (turn === 2) messages.push({ role: 'user', content: 'Now double it.' });
  }
  return { replies };
}

async function streamed(openai: OpenAI, messages: ChatCompletionMessageParam[], tools: ChatCompletionTool[]): Promise<OpenAI.Chat.Completions.ChatCompletionMessage> {
  const stream = await openai.chat.completions.create({ model: 'fake-model', messages, tools, stream: true });
  let content = '';
  let reasoning = '';
  const calls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = [];
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning?: string; tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[] } | undefined;
    content += delta?.content ?? '';
    reasoning += delta?.reasoning ?? '';
    for (const t of delta?.tool_calls ?? []) {
      calls[t.index] ??= { id: t.id ?? '', type: 'function', function: { name: '', arguments: '' } };
      calls[t.index]!.function.name += t.function?.name ?? '';
      calls[t.index]!.function.arguments += t.function?.arguments ?? '';
    }
  }
  return { role: 'assistant', content: content === '' ? null : content, refusal: null, ...(reasoning === '' ? {} : { reasoning }), ...(calls.length > 0 ? { tool_calls: calls } : {}) } as OpenAI.Chat.Completions.ChatCompletionMessage;
}
