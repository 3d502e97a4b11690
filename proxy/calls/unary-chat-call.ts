import type { FastifyReply } from 'fastify';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { ChatDriver } from '../drivers/driver-types.ts';
import type { CallCapture } from '../capture/call-capture.ts';
import type { CallContext, CallRuntime } from './call-context.ts';
import { recordCall, type CallStart } from './call-recorder.ts';
import { failBeforeAnswer, sendToEngine } from './engine-call.ts';

/** Reads a whole engine answer; a failure while reading is recorded and rethrown. */
export async function readEngineAnswer(ctx: CallContext, start: CallStart, runtime: CallRuntime, path: string, expectChoices: boolean): Promise<{ bytes: Buffer; json: unknown; ttftMs: number } | null> {
  const response = await sendToEngine(ctx, start, runtime, path);
  if (response === null) return null;
  let bytes: Buffer;
  try {
    bytes = Buffer.from(await response.body.arrayBuffer());
  } catch (error) {
    return failBeforeAnswer(ctx, start, runtime, error);
  }
  const ttftMs = performance.now() - start.startedMs;
  try {
    const json = JSON.parse(bytes.toString('utf8')) as unknown;
    if (json === null || typeof json !== 'object') throw new Error('the answer is not a JSON object or array');
    if (expectChoices && !Array.isArray((json as { choices?: unknown }).choices)) throw new Error('no choices array');
    return { bytes, json, ttftMs };
  } catch (cause) {
    const error = new RollcallError('RC_ERR_UPSTREAM_BAD_RESPONSE', { detail: (cause as Error).message }, { cause });
    recordCall(ctx, start, { status: 'failed', capture: null, error, ttftMs });
    throw error;
  }
}

/** Engines whose chat answers lack prompt ids (llama.cpp) get them by extra requests before recording. */
export async function withPromptIds(ctx: CallContext, start: CallStart, runtime: CallRuntime, driver: ChatDriver, capture: CallCapture): Promise<CallCapture> {
  if (capture.promptIds !== null || driver.completePromptIds === undefined || runtime.signal.aborted) return capture;
  const http = (request: Parameters<CallContext['replicas']['request']>[1]) => ctx.replicas.request(runtime.rollout, request);
  const promptIds = await driver.completePromptIds(http, JSON.parse(start.sentJson) as Record<string, unknown>, runtime.signal).catch((error: unknown) => {
    // The answer is still recorded (without prompt ids, so not trainable); say why.
    ctx.logger.warn({ err: error, rolloutId: start.rolloutId, seq: start.seq }, 'rebuilding prompt ids failed');
    return null;
  });
  return { ...capture, promptIds };
}

/** Sends a JSON answer, marking the committed call aborted if it does not reach the client. */
export async function sendCommitted(ctx: CallContext, reply: FastifyReply, runtime: CallRuntime, callId: number, body: Buffer | string): Promise<void> {
  if (runtime.signal.aborted) {
    ctx.store.calls.markAborted(callId, 'the client disconnected before the answer was sent');
    return;
  }
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) ctx.store.calls.markAborted(callId, 'the answer did not reach the client');
  });
  await reply.code(200).header('content-type', 'application/json').send(body);
}

/**
 * A non-streaming pass-through chat call. The engine's bytes go to the client untouched; a
 * parsed copy is recorded, and the record is committed before the answer is sent, so an answer
 * a client received is always in the database.
 */
export async function serveUnaryChat(ctx: CallContext, reply: FastifyReply, start: CallStart, runtime: CallRuntime, driver: ChatDriver): Promise<number> {
  const answer = await readEngineAnswer(ctx, start, runtime, driver.path, true);
  if (answer === null) return 0;
  const capture = await withPromptIds(ctx, start, runtime, driver, driver.captureUnary(answer.json));
  const callId = recordCall(ctx, start, { status: 'completed', capture, error: null, ttftMs: answer.ttftMs });
  runtime.remember(callId, capture);
  await sendCommitted(ctx, reply, runtime, callId, answer.bytes);
  return capture.usage?.totalTokens ?? 0;
}
