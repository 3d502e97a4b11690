import { asOaiBaseUrlApiKey } from '../../adapters/rollout-handle.ts';
import { EXECUTE_PYTHON_CODE_TOOL } from '../../adapters/tools/execute-python-code.ts';
import type { WorkflowInput, WorkflowOutput } from '../../trainer/workflows/workflow-types.ts';
import { MATH_SYSTEM_PROMPT, MAX_ITERS } from './prompt.ts';
import { mathToolkit } from './python-tool.ts';

type Message = { role: string; content: string | null; tool_calls?: { id: string; function: { name: string; arguments: string } }[]; tool_call_id?: string };

/** The math agent, flavour (c): raw HTTP with `fetch`, no SDK. */
export async function mathAgent(input: WorkflowInput): Promise<WorkflowOutput> {
  const { baseUrl, apiKey, model } = asOaiBaseUrlApiKey(input);
  const toolkit = mathToolkit();
  const messages: Message[] = [
    { role: 'system', content: MATH_SYSTEM_PROMPT },
    { role: 'user', content: input.task.query },
  ];
  let last = '';
  for (let iter = 0; iter < MAX_ITERS; iter++) {
    const response = await fetch(`${baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages, tools: [EXECUTE_PYTHON_CODE_TOOL] }),
      signal: input.signal,
    });
    if (!response.ok) throw new Error(`chat call failed with ${response.status}: ${(await response.text()).slice(0, 300)}`);
    const message = ((await response.json()) as { choices: { message: Message }[] }).choices[0]?.message;
    if (message === undefined) break;
    messages.push({ role: 'assistant', content: message.content, ...(message.tool_calls?.length ? { tool_calls: message.tool_calls } : {}) });
    last = message.content ?? '';
    if (!message.tool_calls?.length) break;
    for (const call of message.tool_calls) {
      const result = await toolkit.call(call.function.name, call.function.arguments, input.signal);
      messages.push({ role: 'tool', tool_call_id: call.id, content: result.content });
    }
  }
  return { response: last, metrics: { 'agent/turns': messages.filter((m) => m.role === 'assistant').length } };
}
