import type { FastifyReply } from 'fastify';
import { encodeSseData } from '../../src/sse/sse-encoder.ts';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { CallContext, CallRuntime } from '../calls/call-context.ts';
import type { CallStart } from '../calls/call-recorder.ts';
import { closeSse, openEngineStream } from '../calls/engine-call.ts';
import { pumpSse } from '../calls/sse-pump.ts';
import { toWireUsage } from '../capture/call-capture.ts';
import type { TokenCall } from './token-call.ts';
import { tokenCapture, tokenFindings } from './token-capture.ts';
import { chatCompletionBody, chunk, newCompletionId, type AnswerHead } from './token-response.ts';
import { TokenStreamTranslator } from './token-stream-translator.ts';

/**
 * A streaming token-mode call: completion tokens stream from the engine and the proxy emits
 * OpenAI chat chunks as text arrives. The record is built from the same pieces, so it equals
 * the non-streaming record for the same seed.
 */
export async function serveTokenStream(ctx: CallContext, reply: FastifyReply, start: CallStart, runtime: CallRuntime, call: TokenCall): Promise<number> {
  const opened = await openEngineStream(ctx, reply, start, runtime, call.driver.generatePath);
  if (opened === null) return 0;
  const head: AnswerHead = { id: newCompletionId(), created: Math.floor(Date.now() / 1000), model: call.model };
  const stream = call.driver.newGenerationStream();
  const translator = new TokenStreamTranslator(call.request, call.parseOptions);
  const outcome = await pumpSse(
    ctx,
    start,
    opened.body,
    opened.res,
    runtime.signal,
    (_event, payload) => {
      const choices = stream.push(payload).flatMap((delta) => translator.translate(delta));
      return choices.length === 0 ? null : encodeSseData(chunk(head, choices));
    },
    call.driver.streamEndsWithoutDone !== true,
  );
  const generation = stream.result();
  if (call.driver.streamEndsWithoutDone === true && outcome.brokenBy === null && generation.choices.some((c) => c.finishReason === null)) {
    outcome.brokenBy = new RollcallError('RC_ERR_UPSTREAM_STREAM_BROKEN', { detail: 'the engine ended the stream before every sequence finished' });
  }
  const parsed = generation.choices.map((choice) => ({ generation: choice, parsed: translator.parsed(choice.index, choice.text) }));
  const usage = toWireUsage(generation.usage);
  const capture = tokenCapture(call.plan.promptIds, generation, chatCompletionBody(head, call.request, parsed, usage));
  const findings = tokenFindings(call, generation, parsed.map((p) => p.parsed));
  const wantsUsage = call.request.stream_options?.include_usage === true;
  return closeSse(ctx, start, runtime, opened.res, outcome, capture, {
    flags: findings.flags,
    ...(findings.reason === undefined ? {} : { reason: findings.reason }),
    ...(wantsUsage && usage !== null ? { tail: encodeSseData(chunk(head, [], usage)) } : {}),
  });
}
