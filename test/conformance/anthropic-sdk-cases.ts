import Anthropic from '@anthropic-ai/sdk';
import type { ContentBlock, Message, MessageParam, RawMessageStreamEvent, Tool, ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { Stream } from '@anthropic-ai/sdk/streaming';
import type { ClientCase } from '../support/conformance-case.ts';
import type { ClientContext } from '../support/conformance-fixture.ts';
import { CALC_TOOL, runPython, SCENARIOS, systemFor, USER_SAMPLING, type Reply, type Scenario } from '../support/conformance-scenarios.ts';

/**
 * The real `@anthropic-ai/sdk` against `POST /v1/messages`, as its README and the API reference
 * show: `messages.create`, a raw event stream (`stream: true`) read event by event, the
 * `messages.stream()` helper with `finalMessage()`, a tool-use loop that answers each `tool_use`
 * with a `tool_result`, and `countTokens`. The SDK's base URL is the proxy's without `/v1`, and
 * its key goes in `x-api-key`, the SDK's default. Stop reasons are the API's own.
 */

const TOOLS: Tool[] = [{ name: CALC_TOOL.function.name, description: CALC_TOOL.function.description, input_schema: CALC_TOOL.function.parameters as unknown as Tool.InputSchema }];
const MAX_TOKENS = 1024;

const sdk = (c: ClientContext) => new Anthropic({ baseURL: c.baseUrl.replace(/\/v1$/, ''), apiKey: c.apiKey, maxRetries: 0 });

function fromContent(content: readonly ContentBlock[], stopReason: string | null): Reply {
  return {
    text: content.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join(''),
    toolCalls: content.flatMap((block) => (block.type === 'tool_use' ? [{ name: block.name, arguments: block.input }] : [])),
    finishReason: stopReason,
  };
}

const fromMessage = (message: Message): Reply => fromContent(message.content, message.stop_reason);

const request = (c: ClientContext, scenario: Scenario, messages: MessageParam[], userSampling: boolean) => ({
  model: c.model,
  max_tokens: MAX_TOKENS,
  system: systemFor(scenario),
  messages,
  tools: TOOLS,
  ...(userSampling ? USER_SAMPLING : {}),
});

const opening = (scenario: Scenario): MessageParam[] => [{ role: 'user', content: scenario.user }];

/** The raw events as the streaming guide reads them: text deltas, tool inputs as partial JSON, the stop reason. */
async function readEvents(stream: Stream<RawMessageStreamEvent>): Promise<Reply> {
  let text = '';
  let stopReason: string | null = null;
  const calls = new Map<number, { name: string; json: string }>();
  for await (const event of stream) {
    if (event.type === 'content_block_start' && event.content_block.type === 'tool_use') calls.set(event.index, { name: event.content_block.name, json: '' });
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') calls.get(event.index)!.json += event.delta.partial_json;
    if (event.type === 'message_delta') stopReason = event.delta.stop_reason;
  }
  return { text, toolCalls: [...calls.values()].map((call) => ({ name: call.name, arguments: JSON.parse(call.json) as unknown })), finishReason: stopReason };
}

/** A hand-written agent loop: each `tool_use` is run and answered by a `tool_result`, until an answer. */
async function toolLoop(c: ClientContext, scenario: Scenario, stream: boolean): Promise<Reply[]> {
  const client = sdk(c);
  const messages = opening(scenario);
  const replies: Reply[] = [];
  for (let turn = 0; turn < 5; turn++) {
    const body = request(c, scenario, messages, false);
    const message = stream ? await client.messages.stream(body).finalMessage() : await client.messages.create(body);
    replies.push(fromMessage(message));
    messages.push({ role: 'assistant', content: message.content });
    const uses = message.content.flatMap((block) => (block.type === 'tool_use' ? [block] : []));
    if (uses.length === 0) break;
    const results: ToolResultBlockParam[] = uses.map((use) => ({ type: 'tool_result', tool_use_id: use.id, content: runPython((use.input as { code: string }).code) }));
    messages.push({ role: 'user', content: results });
  }
  return replies;
}

/** `countTokens` for the opening, then `create`: the count is the prompt the message was answered from. */
async function countThenCreate(c: ClientContext): Promise<Reply[]> {
  const client = sdk(c);
  const scenario = SCENARIOS.answer;
  const { input_tokens: counted } = await client.messages.countTokens({ model: c.model, system: systemFor(scenario), messages: opening(scenario), tools: TOOLS });
  const message = await client.messages.create(request(c, scenario, opening(scenario), true));
  if (counted !== message.usage.input_tokens) throw new Error(`countTokens said ${counted}, the message used ${message.usage.input_tokens} input tokens`);
  return [fromMessage(message)];
}

const ANTHROPIC_STOP: Record<string, string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' };

const base = { client: 'anthropic-sdk', finishName: (reason: string) => ANTHROPIC_STOP[reason] ?? reason } as const;

export const ANTHROPIC_SDK_CASES: ClientCase[] = [
  {
    ...base, name: 'messages.create', streaming: false, scenario: SCENARIOS.textThenTool, userSampling: true,
    run: async (c) => [fromMessage(await sdk(c).messages.create(request(c, SCENARIOS.textThenTool, opening(SCENARIOS.textThenTool), true)))],
  },
  ...([
    ['messages.create stream events', SCENARIOS.answer],
    ['messages.create stream events text + tool_use', SCENARIOS.textThenTool],
  ] as const).map(([name, scenario]): ClientCase => ({
    ...base, name, streaming: true, scenario, userSampling: true,
    run: async (c) => [await readEvents(await sdk(c).messages.create({ ...request(c, scenario, opening(scenario), true), stream: true }))],
  })),
  {
    ...base, name: 'messages.stream() finalMessage()', streaming: true, scenario: SCENARIOS.textThenTool, userSampling: false,
    run: async (c) => [fromMessage(await sdk(c).messages.stream(request(c, SCENARIOS.textThenTool, opening(SCENARIOS.textThenTool), false)).finalMessage())],
  },
  { ...base, name: 'tool-use loop with tool_result', streaming: false, scenario: SCENARIOS.threeTurns, userSampling: false, run: (c) => toolLoop(c, SCENARIOS.threeTurns, false) },
  { ...base, name: 'tool-use loop messages.stream() finalMessage()', streaming: true, scenario: SCENARIOS.threeTurns, userSampling: false, run: (c) => toolLoop(c, SCENARIOS.threeTurns, true) },
  { ...base, name: 'countTokens then messages.create', streaming: false, scenario: SCENARIOS.answer, userSampling: true, run: (c) => countThenCreate(c) },
];
