import type { FastifyReply } from 'fastify';
import { parseCompletionText } from '../../src/parsing/chat-message-parser.ts';
import type { CallContext, CallRuntime } from '../calls/call-context.ts';
import { recordCall, type CallStart } from '../calls/call-recorder.ts';
import { readEngineAnswer, sendCommitted } from '../calls/unary-chat-call.ts';
import { toWireUsage } from '../capture/call-capture.ts';
import type { TokenCall } from './token-call.ts';
import { tokenCapture, tokenFindings } from './token-capture.ts';
import { chatCompletionBody, newCompletionId } from './token-response.ts';

/** A non-streaming token-mode call: generate, parse, commit the record, answer as chat. */
export async function serveTokenUnary(ctx: CallContext, reply: FastifyReply, start: CallStart, runtime: CallRuntime, call: TokenCall): Promise<number> {
  const answer = await readEngineAnswer(ctx, start, runtime, call.driver.generatePath, false);
  if (answer === null) return 0;
  const generation = call.driver.readGeneration(answer.json);
  const parsed = generation.choices.map((choice) => ({ generation: choice, parsed: parseCompletionText(choice.text, call.parseOptions) }));
  const usage = toWireUsage(generation.usage);
  const body = chatCompletionBody({ id: newCompletionId(), created: Math.floor(Date.now() / 1000), model: call.model }, call.request, parsed, usage);
  const capture = tokenCapture(call.plan.promptIds, generation, body);
  const findings = tokenFindings(call, generation, parsed.map((p) => p.parsed));
  const callId = recordCall(ctx, start, { status: 'completed', capture, error: null, ttftMs: answer.ttftMs, ...findings });
  runtime.remember(callId, capture);
  await sendCommitted(ctx, reply, runtime, callId, JSON.stringify(body));
  return capture.usage?.totalTokens ?? 0;
}
