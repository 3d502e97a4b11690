import { rolloutChatModel } from '../../adapters/agentscope/chat-model.ts';
import { ReActAgent } from '../../adapters/agentscope/react-agent.ts';
import type { WorkflowInput, WorkflowOutput } from '../../trainer/workflows/workflow-types.ts';
import { MATH_SYSTEM_PROMPT, MAX_ITERS } from './prompt.ts';
import { mathToolkit } from './python-tool.ts';

/** The math agent, flavour (a), the default: the AgentScope-style ReAct agent. */
export async function mathAgent(input: WorkflowInput): Promise<WorkflowOutput> {
  const agent = new ReActAgent({ name: 'math', sysPrompt: MATH_SYSTEM_PROMPT, model: rolloutChatModel(input), toolkit: mathToolkit(), maxIters: MAX_ITERS });
  const reply = await agent.reply({ role: 'user', content: input.task.query }, input.signal);
  const turns = agent.memory.get().filter((m) => m.role === 'assistant').length;
  return { response: reply.content ?? '', metrics: { 'agent/turns': turns } };
}
