import type { EngineConfig } from '../../../src/config/proxy-config.ts';
import { parseCompletionText } from '../../../src/parsing/chat-message-parser.ts';
import type { ToolSpec } from '../../../src/parsing/qwen3-coder-values.ts';
import { sentWithoutPrompt } from '../../../src/store/sent-record.ts';
import { toWireUsage } from '../../capture/call-capture.ts';
import type { TokenDriver } from '../../drivers/driver-types.ts';
import type { CallAnswer, CallStrategy, ChatCall, PreparedCall } from '../call-strategy.ts';
import { buildGenerateRequest } from './generate-request.ts';
import { chatCompletionBody, newAnswerHead } from './token-answer.ts';
import { tokenCapture, tokenFindings } from './token-capture.ts';
import type { TokenCall } from './token-call.ts';
import { chatTemplateKwargs, planTokenPrompt } from './token-prompt.ts';
import { TokenStreamReader } from './token-stream.ts';
import { TurnDelta } from './turn-delta.ts';

/** What token mode needs of its engine; the context length bounds every completion. */
export type TokenModeOptions = {
  driver: TokenDriver;
  config: Pick<EngineConfig, 'toolParser' | 'reasoningParser' | 'eosTokenId'>;
  /** The model's context length, as the engine reported it. */
  maxModelLen: number;
  /** The engine's models; the first names answers whose request named none. */
  models: readonly string[];
};

/** A whole `/v1/completions` (or `/generate`, `/completion`) answer: parse each choice, answer as chat. */
function readTokenAnswer(call: TokenCall, json: unknown): CallAnswer {
  const generation = call.driver.readGeneration(json);
  const choices = generation.choices.map((choice) => ({ generation: choice, message: parseCompletionText(choice.text, call.parseOptions) }));
  const completion = chatCompletionBody(newAnswerHead(call.model), call.request, choices, toWireUsage(generation.usage));
  return {
    ...tokenFindings(call.plan, generation, choices.map((c) => c.message)),
    completion,
    raw: null,
    capture: tokenCapture(call.plan.promptIds, generation, completion),
  };
}

/**
 * Token mode (README.md, "Two ways to call the engine"): the proxy builds the prompt ids
 * (continuing the exact ids of the turn the messages extend), generates from them, parses the
 * completion itself and answers as a chat completion. Multi-turn trajectories have no
 * re-tokenization drift by construction.
 */
export function createTokenMode(options: TokenModeOptions): CallStrategy {
  const { driver, config } = options;
  const turnDelta = new TurnDelta(driver, config.eosTokenId);
  return {
    mode: 'token',
    async prepare(call: ChatCall): Promise<PreparedCall> {
      const plan = await planTokenPrompt(call, { driver, turnDelta });
      const body = driver.buildGenerateBody(buildGenerateRequest(call, plan.promptIds, options.maxModelLen));
      const tokenCall: TokenCall = {
        driver,
        request: call.request,
        plan,
        parseOptions: { toolParser: config.toolParser, reasoning: config.reasoningParser, tools: (call.request.tools ?? []) as ToolSpec[] },
        model: call.request.model ?? options.models[0] ?? 'rollcall',
      };
      return {
        path: driver.generatePath,
        json: JSON.stringify(body),
        stored: sentWithoutPrompt(body, driver.promptField),
        streamEndsWithoutDone: driver.streamEndsWithoutDone === true,
        readAnswer: async (json) => readTokenAnswer(tokenCall, json),
        openStream: () => new TokenStreamReader(tokenCall, newAnswerHead(tokenCall.model)),
      };
    },
    async countPromptTokens(request, http, signal) {
      const ids = await driver.render(http, { messages: request.messages, tools: request.tools, addGenerationPrompt: true, chatTemplateKwargs: chatTemplateKwargs(request) }, signal);
      return ids.length;
    },
  };
}
