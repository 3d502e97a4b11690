import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { CallFlags } from '../../src/store/records.ts';
import { encodeSseData, SSE_DONE } from '../../src/sse/sse-encoder.ts';
import type { CallCapture } from '../capture/call-capture.ts';
import type { EngineResponse } from '../upstream/engine-pool.ts';
import { engineStatusError, mapUpstreamError } from '../upstream/map-upstream-error.ts';
import type { CallContext, CallRuntime } from './call-context.ts';
import { recordCall, type CallStart } from './call-recorder.ts';
import type { PumpOutcome } from './sse-pump.ts';

/**
 * The steps every engine call shares, streaming or not, pass-through or token mode: sending
 * (failures before any answer are recorded and become plain JSON errors), opening the SSE
 * answer, and closing it (commit first, then the final `[DONE]`).
 */

/**
 * Records a call that failed before any answer was read: aborted when the client went away
 * (returns null), otherwise failed with the mapped error, which is thrown for the client.
 */
export function failBeforeAnswer(ctx: CallContext, start: CallStart, runtime: CallRuntime, error: unknown): null {
  if (runtime.signal.aborted) {
    recordCall(ctx, start, { status: 'aborted', capture: null, error: null, ttftMs: null });
    return null;
  }
  const mapped = mapUpstreamError(error, start.replica, ctx.engineConfig);
  recordCall(ctx, start, { status: 'failed', capture: null, error: mapped, ttftMs: null });
  throw mapped;
}

/** Sends the request; null when the client went away first (the call is recorded aborted). */
export async function sendToEngine(ctx: CallContext, start: CallStart, runtime: CallRuntime, path: string): Promise<EngineResponse | null> {
  let response: EngineResponse;
  try {
    response = await ctx.replicas.request(runtime.rollout, { method: 'POST', path, body: start.sentJson, signal: runtime.signal });
    start.replica = response.origin;
  } catch (error) {
    return failBeforeAnswer(ctx, start, runtime, error);
  }
  if (response.statusCode === 200) return response;
  const text = await response.body.text().catch(() => '');
  const error = engineStatusError(response.statusCode, text);
  recordCall(ctx, start, { status: 'failed', capture: null, error, ttftMs: null });
  throw error;
}

/** Sends a streaming request and, once the engine answered 200, opens the client's SSE answer. */
export async function openEngineStream(ctx: CallContext, reply: FastifyReply, start: CallStart, runtime: CallRuntime, path: string): Promise<{ body: EngineResponse['body']; res: ServerResponse } | null> {
  const response = await sendToEngine(ctx, start, runtime, path);
  return response === null ? null : { body: response.body, res: openSse(reply) };
}

function openSse(reply: FastifyReply): ServerResponse {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  return res;
}

/** Records the streamed call, then ends the stream; returns the tokens it used. */
export function closeSse(ctx: CallContext, start: CallStart, runtime: CallRuntime, res: ServerResponse, outcome: PumpOutcome, capture: CallCapture, extra: { flags?: CallFlags; reason?: string; tail?: string } = {}): number {
  const tokens = capture.usage?.totalTokens ?? 0;
  const { ttftMs } = outcome;
  if (runtime.signal.aborted) {
    recordCall(ctx, start, { status: 'aborted', capture, error: null, ttftMs, ...(extra.flags ? { flags: extra.flags } : {}) });
    return tokens;
  }
  const failure = outcome.brokenBy ?? outcome.engineError;
  const callId = recordCall(ctx, start, {
    status: failure === null ? 'completed' : 'failed',
    capture,
    error: failure,
    ttftMs,
    ...(extra.flags ? { flags: extra.flags } : {}),
    ...(extra.reason !== undefined && failure === null ? { reason: extra.reason } : {}),
  });
  if (failure === null) runtime.remember(callId, capture);
  if (outcome.brokenBy !== null) res.write(encodeSseData(outcome.brokenBy.toBody()));
  else if (failure === null && extra.tail !== undefined) res.write(extra.tail);
  res.once('close', () => {
    if (!res.writableFinished && failure === null) ctx.store.calls.markAborted(callId, 'the end of the stream did not reach the client');
  });
  res.end(outcome.done ?? SSE_DONE);
  return tokens;
}
