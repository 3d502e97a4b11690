import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import type { ClientCase } from '../support/conformance-case.ts';
import type { ClientContext } from '../support/conformance-fixture.ts';
import { CALC_TOOL, chatMessagesFor, runPython, SCENARIOS, USER_SAMPLING, type Reply, type Scenario } from '../support/conformance-scenarios.ts';

/**
 * The `openai` SDK used as its README and the API reference show: `create`, a stream read through
 * `chunk.choices[0].delta`, the `.stream()` helper, `runTools`, a hand-written tool loop, `n: 2`.
 */

const TOOLS = [CALC_TOOL as unknown as ChatCompletionTool];

const sdk = (c: ClientContext) => new OpenAI({ baseURL: c.baseUrl, apiKey: c.apiKey, maxRetries: 0 });

const parsedCalls = (message: { tool_calls?: { type: string; function?: { name: string; arguments: string } }[] | null }) =>
  (message.tool_calls ?? []).flatMap((call) => (call.function === undefined ? [] : [{ name: call.function.name, arguments: JSON.parse(call.function.arguments) as unknown }]));

function fromChoice(choice: ChatCompletion.Choice | undefined): Reply {
  return { text: choice?.message.content ?? '', toolCalls: choice === undefined ? [] : parsedCalls(choice.message), finishReason: choice?.finish_reason ?? null };
}

type StreamedTurn = Reply & { message: ChatCompletionMessageParam };

/** The documented chunk loop: `choices[0]?.delta?.content`, tool-call deltas by their own index, the finish reason. */
async function readChoice0(stream: Stream<ChatCompletionChunk>): Promise<StreamedTurn> {
  let text = '';
  let finishReason: string | null = null;
  const calls: { id: string; name: string; arguments: string }[] = [];
  for await (const chunk of stream) {
    const choice = chunk.choices[0];
    text += choice?.delta?.content ?? '';
    for (const delta of choice?.delta?.tool_calls ?? []) {
      const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
      call.id += delta.id ?? '';
      call.name += delta.function?.name ?? '';
      call.arguments += delta.function?.arguments ?? '';
    }
    if (choice?.finish_reason) finishReason = choice.finish_reason;
  }
  const toolCalls = calls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } }));
  return {
    text,
    toolCalls: parsedCalls({ tool_calls: toolCalls }),
    finishReason,
    message: { role: 'assistant', content: text === '' ? null : text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
  };
}

/** A hand-written agent loop: call, run each requested tool, send its output back, until an answer. */
async function toolLoop(c: ClientContext, scenario: Scenario, stream: boolean): Promise<Reply[]> {
  const openai = sdk(c);
  const messages: ChatCompletionMessageParam[] = chatMessagesFor(scenario);
  const replies: Reply[] = [];
  for (let turn = 0; turn < 5; turn++) {
    let message: ChatCompletionMessageParam;
    if (stream) {
      const streamed = await readChoice0(await openai.chat.completions.create({ model: c.model, messages, tools: TOOLS, stream: true }));
      ({ message } = streamed);
      replies.push({ text: streamed.text, toolCalls: streamed.toolCalls, finishReason: streamed.finishReason });
    } else {
      const completion = await openai.chat.completions.create({ model: c.model, messages, tools: TOOLS });
      message = completion.choices[0]!.message as ChatCompletionMessageParam;
      replies.push(fromChoice(completion.choices[0]));
    }
    messages.push(message);
    const calls = message.role === 'assistant' ? (message.tool_calls ?? []) : [];
    if (calls.length === 0) break;
    for (const call of calls) {
      if (call.type !== 'function') continue;
      const { code } = JSON.parse(call.function.arguments) as { code: string };
      messages.push({ role: 'tool', tool_call_id: call.id, content: runPython(code) });
    }
  }
  return replies;
}

/** `runTools`: the SDK runs the tool and loops until the model answers. */
async function runTools(c: ClientContext, stream: boolean): Promise<Reply[]> {
  const tool = {
    type: 'function' as const,
    function: {
      name: CALC_TOOL.function.name,
      description: CALC_TOOL.function.description,
      parameters: CALC_TOOL.function.parameters as unknown as Record<string, unknown>,
      parse: JSON.parse,
      function: ({ code }: { code: string }) => runPython(code),
    },
  };
  const body = { model: c.model, messages: chatMessagesFor(SCENARIOS.toolLoop), tools: [tool], ...USER_SAMPLING };
  const runner = stream ? sdk(c).chat.completions.runTools({ ...body, stream: true }) : sdk(c).chat.completions.runTools(body);
  await runner.finalChatCompletion();
  return runner.allChatCompletions().map((completion) => fromChoice(completion.choices[0]));
}

/** `n: 2`: each choice read by its own `index`, as the API reference shows for n > 1. */
async function twoChoices(c: ClientContext, stream: boolean): Promise<Reply[]> {
  const body = { model: c.model, messages: chatMessagesFor(SCENARIOS.pair), n: 2, ...USER_SAMPLING };
  if (!stream) {
    const completion = await sdk(c).chat.completions.create(body);
    const replies: Reply[] = [];
    for (const choice of completion.choices) replies[choice.index] = fromChoice(choice);
    return replies;
  }
  const replies: Reply[] = [];
  for await (const chunk of await sdk(c).chat.completions.create({ ...body, stream: true })) {
    for (const choice of chunk.choices) {
      const reply = (replies[choice.index] ??= { text: '', toolCalls: [], finishReason: null });
      reply.text += choice.delta?.content ?? '';
      if (choice.finish_reason) reply.finishReason = choice.finish_reason;
    }
  }
  return replies;
}

const base = { client: 'openai-sdk' } as const;

export const OPENAI_SDK_CASES: ClientCase[] = [
  {
    ...base, name: 'chat.completions.create', streaming: false, scenario: SCENARIOS.textThenTool, userSampling: true,
    run: async (c) => [fromChoice((await sdk(c).chat.completions.create({ model: c.model, messages: chatMessagesFor(SCENARIOS.textThenTool), tools: TOOLS, ...USER_SAMPLING })).choices[0])],
  },
  ...([
    ['stream choices[0] text', SCENARIOS.answer, true],
    ['stream choices[0] one-token answer', SCENARIOS.oneToken, false],
    ['stream choices[0] text + tool call', SCENARIOS.textThenTool, true],
  ] as const).map(([name, scenario, userSampling]): ClientCase => ({
    ...base, name, streaming: true, scenario, userSampling,
    run: async (c) => {
      const stream = await sdk(c).chat.completions.create({ model: c.model, messages: chatMessagesFor(scenario), tools: TOOLS, stream: true, ...(userSampling ? USER_SAMPLING : {}) });
      const { message: _message, ...reply } = await readChoice0(stream);
      return [reply];
    },
  })),
  {
    ...base, name: '.stream() finalChatCompletion()', streaming: true, scenario: SCENARIOS.textThenTool, userSampling: false,
    run: async (c) => {
      const stream = sdk(c).chat.completions.stream({ model: c.model, messages: chatMessagesFor(SCENARIOS.textThenTool), tools: TOOLS });
      return [fromChoice((await stream.finalChatCompletion()).choices[0] as ChatCompletion.Choice)];
    },
  },
  { ...base, name: 'runTools', streaming: false, scenario: SCENARIOS.toolLoop, userSampling: true, run: (c) => runTools(c, false) },
  { ...base, name: 'runTools stream', streaming: true, scenario: SCENARIOS.toolLoop, userSampling: true, run: (c) => runTools(c, true) },
  { ...base, name: '3-turn tool loop', streaming: false, scenario: SCENARIOS.threeTurns, userSampling: false, run: (c) => toolLoop(c, SCENARIOS.threeTurns, false) },
  { ...base, name: '3-turn tool loop stream choices[0]', streaming: true, scenario: SCENARIOS.threeTurns, userSampling: false, run: (c) => toolLoop(c, SCENARIOS.threeTurns, true) },
  { ...base, name: 'n: 2', streaming: false, scenario: SCENARIOS.pair, userSampling: true, run: (c) => twoChoices(c, false) },
  { ...base, name: 'n: 2 stream by choice index', streaming: true, scenario: SCENARIOS.pair, userSampling: true, run: (c) => twoChoices(c, true) },
];
