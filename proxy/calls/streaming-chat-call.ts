import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { SseDecoder } from '../../src/sse/sse-decoder.ts';
import { encodeSseData, SSE_DONE } from '../../src/sse/sse-encoder.ts';
import type { CallError } from '../../src/store/records.ts';
import type { WireChatChunk } from '../../src/wire/openai-chat.ts';
import { ChatStreamCapture } from '../capture/chat-stream-capture.ts';
import { engineStatusError, mapUpstreamError, readEngineErrorMessage } from '../upstream/map-upstream-error.ts';
import type { CallContext, CallRuntime } from './call-context.ts';
import { recordCall, type CallStart } from './call-recorder.ts';

/**
 * A streaming chat call: real pass-through. Each complete upstream SSE event is written to the
 * client as soon as it arrives, byte for byte; a decoded copy builds the record. The engine's
 * final `[DONE]` is held back until the record is committed. Failures before the stream opens
 * are plain JSON errors; after it opened, one SSE error event and the end of the stream.
 */
function waitDrain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    res.once('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

type StreamOutcome = { done: Buffer | null; engineError: CallError | null; brokenBy: RollcallError | null };

async function pump(ctx: CallContext, start: CallStart, body: AsyncIterable<Uint8Array>, res: ServerResponse, capture: ChatStreamCapture, signal: AbortSignal, onFirstEvent: () => void): Promise<StreamOutcome> {
  const decoder = new SseDecoder();
  const outcome: StreamOutcome = { done: null, engineError: null, brokenBy: null };
  try {
    for await (const chunk of body) {
      const events = decoder.push(chunk);
      if (events.length === 0) continue;
      onFirstEvent();
      const out: Buffer[] = [];
      for (const event of events) {
        if (event.data === '[DONE]') {
          outcome.done = event.raw;
          continue;
        }
        let payload: WireChatChunk;
        try {
          payload = JSON.parse(event.data) as WireChatChunk;
        } catch {
          outcome.brokenBy = new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: 'an SSE event is not JSON' });
          break;
        }
        if (payload.error !== undefined) {
          outcome.engineError = { code: 'RC_ERR_UPSTREAM_STREAM_BROKEN', message: readEngineErrorMessage(event.data) };
        } else {
          capture.push(payload);
        }
        out.push(event.raw);
      }
      if (out.length > 0 && !res.write(out.length === 1 ? out[0] : Buffer.concat(out))) await waitDrain(res, signal);
      if (outcome.brokenBy !== null) break;
    }
  } catch (error) {
    if (!signal.aborted) {
      const cause = mapUpstreamError(error, start.replica, ctx.engineConfig);
      outcome.brokenBy = new RollcallError('RC_ERR_UPSTREAM_STREAM_BROKEN', { detail: cause.message }, { cause });
    }
  }
  if (outcome.brokenBy === null && outcome.done === null && outcome.engineError === null && !signal.aborted) {
    outcome.brokenBy = new RollcallError('RC_ERR_UPSTREAM_STREAM_BROKEN', { detail: 'the engine ended the stream before [DONE]' });
  }
  return outcome;
}

export async function serveStreamingChat(ctx: CallContext, reply: FastifyReply, start: CallStart, runtime: CallRuntime): Promise<number> {
  const { signal, remember } = runtime;
  let response;
  try {
    response = await ctx.replicas.request(runtime.rollout, { method: 'POST', path: '/v1/chat/completions', body: start.sentJson, signal });
    start.replica = response.origin;
  } catch (error) {
    if (signal.aborted) {
      recordCall(ctx, start, { status: 'aborted', capture: null, error: null, ttftMs: null });
      return 0;
    }
    const mapped = mapUpstreamError(error, start.replica, ctx.engineConfig);
    recordCall(ctx, start, { status: 'failed', capture: null, error: mapped, ttftMs: null });
    throw mapped;
  }
  if (response.statusCode !== 200) {
    const text = await response.body.text().catch(() => '');
    const error = engineStatusError(response.statusCode, text);
    recordCall(ctx, start, { status: 'failed', capture: null, error, ttftMs: null });
    throw error;
  }

  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
  res.flushHeaders();
  const capture = new ChatStreamCapture();
  let ttftMs: number | null = null;
  const outcome = await pump(ctx, start, response.body, res, capture, signal, () => {
    ttftMs ??= performance.now() - start.startedMs;
  });
  const captured = capture.result();
  if (signal.aborted) {
    recordCall(ctx, start, { status: 'aborted', capture: captured, error: null, ttftMs });
    return captured.usage?.totalTokens ?? 0;
  }
  const failure = outcome.brokenBy ?? outcome.engineError;
  const callId = recordCall(ctx, start, { status: failure === null ? 'completed' : 'failed', capture: captured, error: failure, ttftMs });
  if (failure === null) remember(callId, captured);
  if (outcome.brokenBy !== null) res.write(encodeSseData(outcome.brokenBy.toBody()));
  res.once('close', () => {
    if (!res.writableFinished && failure === null) ctx.store.calls.markAborted(callId, 'the end of the stream did not reach the client');
  });
  res.end(outcome.done ?? SSE_DONE);
  return captured.usage?.totalTokens ?? 0;
}
