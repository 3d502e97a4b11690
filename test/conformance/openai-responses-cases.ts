import OpenAI from 'openai';
import type { FunctionTool, Response, ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { Stream } from 'openai/streaming';
import type { ClientCase } from '../support/conformance-case.ts';
import type { ClientContext } from '../support/conformance-fixture.ts';
import { CALC_TOOL, runPython, SCENARIOS, systemFor, USER_SAMPLING, type Reply, type Scenario } from '../support/conformance-scenarios.ts';

/**
 * The `openai` SDK's Responses API against `POST /v1/responses`, as its README and the API
 * reference show: `responses.create`, a raw event stream read by event type (checking each
 * `sequence_number`), the `responses.stream()` helper with `finalResponse()`, and a function-call
 * loop both by sending the whole conversation as input items and by `previous_response_id`. A
 * response's finish is its `status` (`completed`; `incomplete` when cut by the token budget).
 */

const TOOLS: FunctionTool[] = [{ type: 'function', name: CALC_TOOL.function.name, description: CALC_TOOL.function.description, parameters: CALC_TOOL.function.parameters as unknown as Record<string, unknown>, strict: false }];

const sdk = (c: ClientContext) => new OpenAI({ baseURL: c.baseUrl, apiKey: c.apiKey, maxRetries: 0 });

function fromResponse(response: Response): Reply {
  return {
    text: response.output_text,
    toolCalls: response.output.flatMap((item) => (item.type === 'function_call' ? [{ name: item.name, arguments: JSON.parse(item.arguments) as unknown }] : [])),
    finishReason: response.status ?? null,
  };
}

const request = (c: ClientContext, scenario: Scenario, input: string | ResponseInputItem[], userSampling: boolean) => ({
  model: c.model,
  instructions: systemFor(scenario),
  input,
  tools: TOOLS,
  ...(userSampling ? USER_SAMPLING : {}),
});

/** The events by type, as the streaming guide reads them; sequence numbers must count up from 0. */
async function readEvents(stream: Stream<ResponseStreamEvent>): Promise<Reply> {
  let text = '';
  let status: string | null = null;
  let expected = 0;
  const calls: { name: string; arguments: unknown }[] = [];
  for await (const event of stream) {
    if (event.sequence_number !== expected++) throw new Error(`event ${event.type} has sequence_number ${event.sequence_number}, expected ${expected - 1}`);
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.function_call_arguments.done') calls.push({ name: event.name, arguments: JSON.parse(event.arguments) as unknown });
    if (event.type === 'response.completed' || event.type === 'response.incomplete') status = event.response.status ?? null;
  }
  return { text, toolCalls: calls, finishReason: status };
}

/** Runs each function call the response asks for; the outputs to send back. */
function runCalls(response: Response): ResponseInputItem[] {
  return response.output.flatMap((item) =>
    item.type === 'function_call' ? [{ type: 'function_call_output' as const, call_id: item.call_id, output: runPython((JSON.parse(item.arguments) as { code: string }).code) }] : [],
  );
}

/**
 * A function-call loop. `chain: false` sends the whole conversation each time (the user's input,
 * every output item, every function output); `chain: true` sends only the new outputs after
 * `previous_response_id`, with the instructions again (they are not carried over).
 */
async function functionLoop(c: ClientContext, scenario: Scenario, options: { stream: boolean; chain: boolean }): Promise<Reply[]> {
  const client = sdk(c);
  const conversation: ResponseInputItem[] = [{ role: 'user', content: scenario.user }];
  let input: ResponseInputItem[] = conversation;
  let previous: string | undefined;
  const replies: Reply[] = [];
  for (let turn = 0; turn < 5; turn++) {
    const body = { ...request(c, scenario, input, false), ...(previous === undefined ? {} : { previous_response_id: previous }) };
    const response = options.stream ? await client.responses.stream(body).finalResponse() : await client.responses.create(body);
    replies.push(fromResponse(response));
    const outputs = runCalls(response);
    if (outputs.length === 0) break;
    conversation.push(...(response.output as ResponseInputItem[]), ...outputs);
    input = options.chain ? outputs : conversation;
    previous = options.chain ? response.id : undefined;
  }
  return replies;
}

const RESPONSES_STATUS: Record<string, string> = { stop: 'completed', tool_calls: 'completed', length: 'incomplete' };

const base = { client: 'openai-responses', finishName: (reason: string) => RESPONSES_STATUS[reason] ?? reason } as const;

export const OPENAI_RESPONSES_CASES: ClientCase[] = [
  {
    ...base, name: 'responses.create', streaming: false, scenario: SCENARIOS.textThenTool, userSampling: true,
    run: async (c) => [fromResponse(await sdk(c).responses.create(request(c, SCENARIOS.textThenTool, SCENARIOS.textThenTool.user, true)))],
  },
  ...([
    ['responses.create stream events', SCENARIOS.answer],
    ['responses.create stream events text + function call', SCENARIOS.textThenTool],
  ] as const).map(([name, scenario]): ClientCase => ({
    ...base, name, streaming: true, scenario, userSampling: true,
    run: async (c) => [await readEvents(await sdk(c).responses.create({ ...request(c, scenario, scenario.user, true), stream: true }))],
  })),
  {
    ...base, name: 'responses.stream() finalResponse()', streaming: true, scenario: SCENARIOS.textThenTool, userSampling: false,
    run: async (c) => [fromResponse(await sdk(c).responses.stream(request(c, SCENARIOS.textThenTool, SCENARIOS.textThenTool.user, false)).finalResponse())],
  },
  { ...base, name: 'function-call loop resending items', streaming: false, scenario: SCENARIOS.threeTurns, userSampling: false, run: (c) => functionLoop(c, SCENARIOS.threeTurns, { stream: false, chain: false }) },
  { ...base, name: 'function-call loop resending items, streamed', streaming: true, scenario: SCENARIOS.threeTurns, userSampling: false, run: (c) => functionLoop(c, SCENARIOS.threeTurns, { stream: true, chain: false }) },
  { ...base, name: 'function-call loop by previous_response_id', streaming: false, scenario: SCENARIOS.threeTurns, userSampling: false, run: (c) => functionLoop(c, SCENARIOS.threeTurns, { stream: false, chain: true }) },
  { ...base, name: 'function-call loop by previous_response_id, streamed', streaming: true, scenario: SCENARIOS.threeTurns, userSampling: false, run: (c) => functionLoop(c, SCENARIOS.threeTurns, { stream: true, chain: true }) },
];
