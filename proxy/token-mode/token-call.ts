import type { FastifyReply } from 'fastify';
import type { ChatParseOptions } from '../../src/parsing/chat-message-parser.ts';
import type { ToolSpec } from '../../src/parsing/qwen3-coder-values.ts';
import type { ChatRequest } from '../../src/wire/openai-chat.ts';
import type { CallContext, CallRuntime } from '../calls/call-context.ts';
import type { CallStart } from '../calls/call-recorder.ts';
import { failBeforeAnswer } from '../calls/engine-call.ts';
import type { Lookup } from '../conversation/conversation-index.ts';
import type { EngineHttp, TokenDriver } from '../drivers/driver-types.ts';
import { sentWithoutPrompt } from '../../src/store/sent-record.ts';
import { buildGenerateRequest } from './generate-request.ts';
import { planTokenPrompt, type PromptPlan } from './token-prompt.ts';
import { serveTokenStream } from './token-stream.ts';
import { serveTokenUnary } from './token-unary.ts';

/** What the token-mode answer paths need beyond the shared call state. */
export type TokenCall = {
  driver: TokenDriver;
  request: ChatRequest;
  plan: PromptPlan;
  parseOptions: ChatParseOptions;
  model: string;
};

/**
 * A call in token mode: the proxy builds the prompt ids (continuing the exact ids of the turn
 * the messages extend), generates from them, parses the completion itself and answers as a chat
 * completion. Multi-turn trajectories have no re-tokenization drift by construction.
 */
export async function serveTokenCall(ctx: CallContext, reply: FastifyReply, start: CallStart, runtime: CallRuntime, request: ChatRequest, lookup: Lookup, maxTokensCap: number | undefined): Promise<number> {
  const driver = ctx.engineSetup.driver.token;
  if (driver === null || ctx.turnDelta === null) throw new Error('token mode without a token driver');
  const http: EngineHttp = (r) => ctx.replicas.request(runtime.rollout, r);
  let plan: PromptPlan;
  try {
    plan = await planTokenPrompt(lookup, request, driver, ctx.turnDelta, http, runtime.signal);
  } catch (error) {
    failBeforeAnswer(ctx, start, runtime, error);
    return 0;
  }
  const generate = buildGenerateRequest(request, runtime.rollout.record.sampling, plan.promptIds, maxTokensCap, ctx.engineSetup.capabilities?.maxModelLen ?? null);
  const body = driver.buildGenerateBody(generate);
  start.sentJson = JSON.stringify(body);
  start.sentRecord = sentWithoutPrompt(body, driver.promptField);
  const call: TokenCall = {
    driver,
    request,
    plan,
    parseOptions: { toolParser: ctx.engineConfig.toolParser, reasoning: ctx.engineConfig.reasoningParser, tools: (request.tools ?? []) as ToolSpec[] },
    model: request.model ?? ctx.engineSetup.capabilities?.models[0] ?? 'rollcall',
  };
  return generate.stream ? serveTokenStream(ctx, reply, start, runtime, call) : serveTokenUnary(ctx, reply, start, runtime, call);
}
