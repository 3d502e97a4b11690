import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, Tool, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import { EXECUTE_PYTHON_CODE_TOOL, executePythonCode, formatPythonRun } from '../../adapters/tools/execute-python-code.ts';
import type { WorkflowInput, WorkflowOutput } from '../../trainer/workflows/workflow-types.ts';
import { MATH_SYSTEM_PROMPT, MAX_ITERS } from './prompt.ts';

const { name, description, parameters } = EXECUTE_PYTHON_CODE_TOOL.function;
const TOOLS: Tool[] = [{ name, description, input_schema: parameters as unknown as Tool.InputSchema }];
const MAX_TOKENS = 1024;

/** Runs one tool_use; bad input becomes an error message the model can read. */
async function runTool(toolName: string, input: unknown, signal: AbortSignal): Promise<string> {
  if (toolName !== name) return `error: unknown tool "${toolName}"`;
  const code = (input as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return 'error: "code" must be a string';
  return formatPythonRun(await executePythonCode(code, { signal }));
}

/**
 * The math agent, flavour (f): an Anthropic Messages API agent on `@anthropic-ai/sdk`, as a
 * Claude-style harness writes it — `system`, `tools` with `input_schema`, and a loop that answers
 * every `tool_use` block with a `tool_result`. rollcall serves `POST /v1/messages`, so the only
 * rollcall-specific part is the client: its base URL is the rollout's without `/v1` (the SDK adds
 * it) and its key the rollout key (sent as `x-api-key`).
 */
export async function mathAgent(input: WorkflowInput): Promise<WorkflowOutput> {
  const client = new Anthropic({ baseURL: input.baseUrl.replace(/\/v1\/?$/, ''), apiKey: input.apiKey, maxRetries: 2 });
  const messages: MessageParam[] = [{ role: 'user', content: input.task.query }];
  let last = '';
  let turns = 0;
  for (let iter = 0; iter < MAX_ITERS; iter++) {
    const message = await client.messages.create({ model: input.model, max_tokens: MAX_TOKENS, system: MATH_SYSTEM_PROMPT, tools: TOOLS, messages }, { signal: input.signal });
    turns += 1;
    messages.push({ role: 'assistant', content: message.content });
    last = message.content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
    const uses = message.content.flatMap((block) => (block.type === 'tool_use' ? [block] : []));
    if (uses.length === 0) break;
    const results: ToolResultBlockParam[] = [];
    for (const use of uses) results.push({ type: 'tool_result', tool_use_id: use.id, content: await runTool(use.name, use.input, input.signal) });
    messages.push({ role: 'user', content: results });
  }
  return { response: last, metrics: { 'agent/turns': turns } };
}
