import { createAnthropic } from '@ai-sdk/anthropic';
import { generateText, stepCountIs, streamText, tool, type StepResult, type ToolSet } from 'ai';
import { z } from 'zod';
import type { ClientCase } from '../support/conformance-case.ts';
import type { ClientContext } from '../support/conformance-fixture.ts';
import { CALC_TOOL, runPython, SCENARIOS, systemFor, USER_SAMPLING, type Reply, type Scenario } from '../support/conformance-scenarios.ts';

/**
 * The Vercel AI SDK (`ai` 6) with its Anthropic provider (`@ai-sdk/anthropic` 3), which speaks the
 * Messages API: `generateText` and `streamText` with a tool that runs, multi-step with
 * `stopWhen: stepCountIs(n)`. The provider's base URL is the proxy's `/v1` URL (it appends
 * `/messages`) and its key goes in `x-api-key`. Finish reasons are the SDK's own.
 */

const tools = {
  [CALC_TOOL.function.name]: tool({
    description: CALC_TOOL.function.description,
    inputSchema: z.object({ code: z.string() }),
    execute: async ({ code }) => runPython(code),
  }),
};

function settings(c: ClientContext, scenario: Scenario, steps: number) {
  const anthropic = createAnthropic({ baseURL: c.baseUrl, apiKey: c.apiKey });
  return {
    model: anthropic(c.model),
    system: systemFor(scenario),
    prompt: scenario.user,
    tools,
    stopWhen: stepCountIs(steps),
    maxRetries: 0,
    // The Messages API needs max_tokens; the provider's default for a model it does not know is 4096.
    maxOutputTokens: 1024,
    temperature: USER_SAMPLING.temperature,
    topP: USER_SAMPLING.top_p,
  };
}

const fromStep = <TOOLS extends ToolSet>(step: StepResult<TOOLS>): Reply => ({
  text: step.text,
  toolCalls: step.toolCalls.map((call) => ({ name: call.toolName, arguments: call.input })),
  finishReason: step.finishReason,
});

async function generate(c: ClientContext, scenario: Scenario, steps: number): Promise<Reply[]> {
  const result = await generateText(settings(c, scenario, steps));
  return result.steps.map(fromStep);
}

/** `streamText` reports errors to `onError` and ends the stream; a user would see them there. */
async function stream(c: ClientContext, scenario: Scenario, steps: number): Promise<Reply[]> {
  const errors: unknown[] = [];
  const result = streamText({ ...settings(c, scenario, steps), onError: ({ error }) => void errors.push(error) });
  let text = '';
  for await (const part of result.textStream) text += part;
  if (errors.length > 0) throw new Error('streamText reported an error', { cause: errors[0] });
  const replies = (await result.steps).map(fromStep);
  if (text !== replies.map((reply) => reply.text).join('')) throw new Error(`textStream gave ${JSON.stringify(text)}, the steps ${JSON.stringify(replies)}`);
  return replies;
}

const AI_SDK_FINISH: Record<string, string> = { stop: 'stop', length: 'length', tool_calls: 'tool-calls' };

const base = { client: 'ai-sdk-anthropic', userSampling: true, finishName: (reason: string) => AI_SDK_FINISH[reason] ?? reason } as const;

export const AI_SDK_ANTHROPIC_CASES: ClientCase[] = [
  { ...base, name: 'generateText with a tool', streaming: false, scenario: SCENARIOS.textThenTool, run: (c) => generate(c, SCENARIOS.textThenTool, 1) },
  { ...base, name: 'streamText with a tool', streaming: true, scenario: SCENARIOS.textThenTool, run: (c) => stream(c, SCENARIOS.textThenTool, 1) },
  { ...base, name: 'generateText tool loop stopWhen', streaming: false, scenario: SCENARIOS.threeTurns, run: (c) => generate(c, SCENARIOS.threeTurns, 5) },
  { ...base, name: 'streamText tool loop stopWhen', streaming: true, scenario: SCENARIOS.threeTurns, run: (c) => stream(c, SCENARIOS.threeTurns, 5) },
];
