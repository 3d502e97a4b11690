import type { FastifyReply } from 'fastify';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { WireChatCompletion } from '../../src/wire/openai-chat.ts';
import { captureChatCompletion } from '../capture/chat-completion-capture.ts';
import { engineStatusError, mapUpstreamError } from '../upstream/map-upstream-error.ts';
import type { CallContext, CallRuntime } from './call-context.ts';
import { recordCall, type CallStart } from './call-recorder.ts';

/**
 * A non-streaming chat call. The engine's bytes go to the client untouched; a parsed copy is
 * recorded, and the record is committed before the answer is sent, so an answer a client
 * received is always in the database.
 */
export async function serveUnaryChat(ctx: CallContext, reply: FastifyReply, start: CallStart, runtime: CallRuntime): Promise<number> {
  const { signal, remember } = runtime;
  let bytes: Buffer;
  let statusCode: number;
  let response;
  try {
    response = await ctx.replicas.request(runtime.rollout, { method: 'POST', path: '/v1/chat/completions', body: start.sentJson, signal });
    start.replica = response.origin;
    statusCode = response.statusCode;
    bytes = Buffer.from(await response.body.arrayBuffer());
  } catch (error) {
    if (signal.aborted) {
      recordCall(ctx, start, { status: 'aborted', capture: null, error: null, ttftMs: null });
      return 0;
    }
    const mapped = mapUpstreamError(error, start.replica, ctx.engineConfig);
    recordCall(ctx, start, { status: 'failed', capture: null, error: mapped, ttftMs: null });
    throw mapped;
  }
  const ttftMs = performance.now() - start.startedMs;
  if (statusCode !== 200) {
    const error = engineStatusError(statusCode, bytes.toString('utf8'));
    recordCall(ctx, start, { status: 'failed', capture: null, error, ttftMs });
    throw error;
  }
  let body: WireChatCompletion;
  try {
    body = JSON.parse(bytes.toString('utf8')) as WireChatCompletion;
    if (!Array.isArray(body.choices)) throw new Error('no choices array');
  } catch (cause) {
    const error = new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: (cause as Error).message }, { cause });
    recordCall(ctx, start, { status: 'failed', capture: null, error, ttftMs });
    throw error;
  }
  const capture = captureChatCompletion(body);
  const callId = recordCall(ctx, start, { status: 'completed', capture, error: null, ttftMs });
  remember(callId, capture);
  if (signal.aborted) {
    ctx.store.calls.markAborted(callId, 'the client disconnected before the answer was sent');
  } else {
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) ctx.store.calls.markAborted(callId, 'the answer did not reach the client');
    });
    await reply.code(200).header('content-type', 'application/json').send(bytes);
  }
  return capture.usage?.totalTokens ?? 0;
}
