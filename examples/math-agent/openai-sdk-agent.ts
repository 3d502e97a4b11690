import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { openaiClient } from '../../adapters/openai-client.ts';
import { EXECUTE_PYTHON_CODE_TOOL, executePythonCode, formatPythonRun } from '../../adapters/tools/execute-python-code.ts';
import type { WorkflowInput, WorkflowOutput } from '../../trainer/workflows/workflow-types.ts';
import { MATH_SYSTEM_PROMPT, MAX_ITERS } from './prompt.ts';

/** Runs one tool call; bad arguments become an error message the model can read. */
async function runTool(name: string, args: string, signal: AbortSignal): Promise<string> {
  if (name !== 'execute_python_code') return `error: unknown tool "${name}"`;
  let code: unknown;
  try {
    code = (JSON.parse(args) as { code?: unknown }).code;
  } catch {
    return 'error: the arguments are not valid JSON; send {"code": "..."}';
  }
  if (typeof code !== 'string') return 'error: "code" must be a string';
  return formatPythonRun(await executePythonCode(code, { signal }));
}

/**
 * The math agent, flavour (b): the `openai` SDK with a hand-written tool loop.
 */
export async function mathAgent(input: WorkflowInput): Promise<WorkflowOutput> {
  const client = openaiClient(input);
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: MATH_SYSTEM_PROMPT },
    { role: 'user', content: input.task.query },
  ];
  const tools = [EXECUTE_PYTHON_CODE_TOOL] as unknown as ChatCompletionTool[];
  let last = '';
  for (let iter = 0; iter < MAX_ITERS; iter++) {
    const completion = await client.chat.completions.create({ model: input.model, messages, tools }, { signal: input.signal });
    const message = completion.choices[0]?.message;
    if (message === undefined) break;
    messages.push(message as ChatCompletionMessageParam);
    last = message.content ?? '';
    const calls = (message.tool_calls ?? []).filter((c) => c.type === 'function');
    if (calls.length === 0) break;
    for (const call of calls) {
      messages.push({ role: 'tool', tool_call_id: call.id, content: await runTool(call.function.name, call.function.arguments, input.signal) });
    }
  }
  return { response: last, metrics: { 'agent/turns': messages.filter((m) => m.role === 'assistant').length } };
}
