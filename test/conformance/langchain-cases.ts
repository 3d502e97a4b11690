import { AIMessage, AIMessageChunk, HumanMessage, SystemMessage, type BaseMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import type { ClientCase } from '../support/conformance-case.ts';
import type { ClientContext } from '../support/conformance-fixture.ts';
import { CALC_TOOL, runPython, SCENARIOS, systemFor, USER_SAMPLING, type Reply, type Scenario } from '../support/conformance-scenarios.ts';

/**
 * LangChain JS `ChatOpenAI` as its docs show: `invoke`, `.stream()` aggregated with `concat`,
 * `streaming: true`, and an agent loop over `bindTools` that runs each tool call through the tool.
 */

const calculator = tool(async ({ code }: { code: string }) => runPython(code), {
  name: CALC_TOOL.function.name,
  description: CALC_TOOL.function.description,
  schema: z.object({ code: z.string() }),
});

function chatModel(c: ClientContext, options: { streaming?: boolean; userSampling: boolean }) {
  return new ChatOpenAI({
    model: c.model,
    apiKey: c.apiKey,
    configuration: { baseURL: c.baseUrl },
    maxRetries: 0,
    // Only set when true: `streaming: false` also disables `.stream()` (it falls back to invoke).
    ...(options.streaming === true ? { streaming: true } : {}),
    ...(options.userSampling ? { temperature: USER_SAMPLING.temperature, topP: USER_SAMPLING.top_p } : {}),
  });
}

const opening = (scenario: Scenario): BaseMessage[] => [new SystemMessage(systemFor(scenario)), new HumanMessage(scenario.user)];

function fromMessage(message: AIMessage | AIMessageChunk): Reply {
  return {
    text: typeof message.content === 'string' ? message.content : JSON.stringify(message.content),
    toolCalls: (message.tool_calls ?? []).map((call) => ({ name: call.name, arguments: call.args })),
    finishReason: (message.response_metadata['finish_reason'] as string | undefined) ?? null,
  };
}

/** `.stream()` as the docs aggregate it: `full = full.concat(chunk)`. */
async function streamWhole(model: { stream(input: BaseMessage[]): Promise<AsyncIterable<AIMessageChunk>> }, messages: BaseMessage[]): Promise<AIMessageChunk> {
  let full: AIMessageChunk | undefined;
  for await (const chunk of await model.stream(messages)) full = full === undefined ? chunk : full.concat(chunk);
  if (full === undefined) throw new Error('the stream ended without a chunk');
  return full;
}

/** The agent loop: ask, run every requested tool, send the results back, until the model answers. */
async function toolLoop(c: ClientContext, scenario: Scenario, stream: boolean): Promise<Reply[]> {
  const model = chatModel(c, { userSampling: true }).bindTools([calculator]);
  const messages = opening(scenario);
  const replies: Reply[] = [];
  for (let turn = 0; turn < 5; turn++) {
    const reply = stream ? await streamWhole(model, messages) : await model.invoke(messages);
    replies.push(fromMessage(reply));
    messages.push(reply);
    if ((reply.tool_calls ?? []).length === 0) break;
    for (const call of reply.tool_calls ?? []) messages.push(await calculator.invoke(call));
  }
  return replies;
}

const base = { client: 'langchain' } as const;
const withTools = (c: ClientContext, options: { streaming?: boolean; userSampling: boolean }) => chatModel(c, options).bindTools([calculator]);

export const LANGCHAIN_CASES: ClientCase[] = [
  {
    ...base, name: 'invoke', streaming: false, scenario: SCENARIOS.textThenTool, userSampling: true,
    run: async (c) => [fromMessage(await withTools(c, { userSampling: true }).invoke(opening(SCENARIOS.textThenTool)))],
  },
  {
    ...base, name: '.stream() text', streaming: true, scenario: SCENARIOS.answer, userSampling: true,
    run: async (c) => [fromMessage(await streamWhole(chatModel(c, { userSampling: true }), opening(SCENARIOS.answer)))],
  },
  {
    ...base, name: '.stream() text + tool call', streaming: true, scenario: SCENARIOS.textThenTool, userSampling: false,
    run: async (c) => [fromMessage(await streamWhole(withTools(c, { userSampling: false }), opening(SCENARIOS.textThenTool)))],
  },
  {
    ...base, name: 'streaming: true invoke', streaming: true, scenario: SCENARIOS.textThenTool, userSampling: true,
    run: async (c) => [fromMessage(await withTools(c, { streaming: true, userSampling: true }).invoke(opening(SCENARIOS.textThenTool)))],
  },
  { ...base, name: 'bindTools tool loop', streaming: false, scenario: SCENARIOS.threeTurns, userSampling: true, run: (c) => toolLoop(c, SCENARIOS.threeTurns, false) },
  { ...base, name: 'bindTools tool loop .stream()', streaming: true, scenario: SCENARIOS.threeTurns, userSampling: true, run: (c) => toolLoop(c, SCENARIOS.threeTurns, true) },
];
