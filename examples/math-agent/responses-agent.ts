import type { FunctionTool, ResponseInputItem } from 'openai/resources/responses/responses';
import { openaiClient } from '../../adapters/openai-client.ts';
import { EXECUTE_PYTHON_CODE_TOOL, executePythonCode, formatPythonRun } from '../../adapters/tools/execute-python-code.ts';
import type { WorkflowInput, WorkflowOutput } from '../../trainer/workflows/workflow-types.ts';
import { MATH_SYSTEM_PROMPT, MAX_ITERS } from './prompt.ts';

const { name, description, parameters } = EXECUTE_PYTHON_CODE_TOOL.function;
const TOOLS: FunctionTool[] = [{ type: 'function', name, description, parameters: parameters as unknown as Record<string, unknown>, strict: false }];

/** Runs one function call; bad arguments become an error message the model can read. */
async function runTool(toolName: string, args: string, signal: AbortSignal): Promise<string> {
  if (toolName !== name) return `error: unknown tool "${toolName}"`;
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
 * The math agent, flavour (g): an OpenAI Responses API agent, as a Codex-style harness writes it —
 * `instructions`, function `tools`, and a loop that answers every `function_call` item with a
 * `function_call_output`, continuing the conversation by `previous_response_id` (the proxy keeps
 * the rollout's responses). The client is the ordinary `openai` SDK on the rollout's base URL.
 */
export async function mathAgent(input: WorkflowInput): Promise<WorkflowOutput> {
  const client = openaiClient(input);
  let next: ResponseInputItem[] = [{ role: 'user', content: input.task.query }];
  let previous: string | undefined;
  let last = '';
  let turns = 0;
  for (let iter = 0; iter < MAX_ITERS; iter++) {
    const response = await client.responses.create(
      { model: input.model, instructions: MATH_SYSTEM_PROMPT, tools: TOOLS, input: next, ...(previous === undefined ? {} : { previous_response_id: previous }) },
      { signal: input.signal },
    );
    turns += 1;
    last = response.output_text;
    const calls = response.output.flatMap((item) => (item.type === 'function_call' ? [item] : []));
    if (calls.length === 0) break;
    next = [];
    for (const call of calls) next.push({ type: 'function_call_output', call_id: call.call_id, output: await runTool(call.name, call.arguments, input.signal) });
    previous = response.id;
  }
  return { response: last, metrics: { 'agent/turns': turns } };
}
