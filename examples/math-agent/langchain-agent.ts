import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { langchainChatModel } from '../../adapters/langchain-model.ts';
import { EXECUTE_PYTHON_CODE_TOOL } from '../../adapters/tools/execute-python-code.ts';
import type { WorkflowInput, WorkflowOutput } from '../../trainer/workflows/workflow-types.ts';
import { MATH_SYSTEM_PROMPT, MAX_ITERS } from './prompt.ts';
import { mathToolkit } from './python-tool.ts';

/** The math agent, flavour (d): LangChain JS `ChatOpenAI` with the rollout's base URL. */
export async function mathAgent(input: WorkflowInput): Promise<WorkflowOutput> {
  const model = langchainChatModel(input).bindTools([EXECUTE_PYTHON_CODE_TOOL]);
  const toolkit = mathToolkit();
  const messages: BaseMessage[] = [new SystemMessage(MATH_SYSTEM_PROMPT), new HumanMessage(input.task.query)];
  let last = '';
  for (let iter = 0; iter < MAX_ITERS; iter++) {
    const reply = (await model.invoke(messages, { signal: input.signal })) as AIMessage;
    messages.push(reply);
    last = typeof reply.content === 'string' ? reply.content : '';
    const calls = [...(reply.tool_calls ?? [])];
    // LangChain puts calls whose arguments are not JSON in invalid_tool_calls; answer those too.
    const invalid = reply.invalid_tool_calls ?? [];
    if (calls.length === 0 && invalid.length === 0) break;
    for (const call of calls) {
      const result = await toolkit.call(call.name, JSON.stringify(call.args), input.signal);
      messages.push(new ToolMessage({ tool_call_id: call.id ?? '', content: result.content }));
    }
    for (const call of invalid) {
      messages.push(new ToolMessage({ tool_call_id: call.id ?? '', content: `error: the arguments of ${call.name ?? 'the tool'} are not valid JSON` }));
    }
  }
  return { response: last, metrics: { 'agent/turns': messages.filter((m) => m instanceof AIMessage).length } };
}
