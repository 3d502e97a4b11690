import type { FastifyReply } from 'fastify';
import type { ChatRequest } from '../../src/wire/openai-chat.ts';
import type { CallCapture } from '../capture/call-capture.ts';
import { sentAsPatch } from '../../src/store/sent-record.ts';
import { messagesKey } from '../conversation/conversation-index.ts';
import { rememberTurns } from '../conversation/remember-turns.ts';
import type { OpenRollout } from '../rollouts/rollout-registry.ts';
import { serveTokenCall } from '../token-mode/token-call.ts';
import type { CallContext, CallRuntime } from './call-context.ts';
import type { CallStart } from './call-recorder.ts';
import { serveStreamingChat } from './streaming-chat-call.ts';
import { serveUnaryChat } from './unary-chat-call.ts';

/**
 * One chat call of a rollout: the policy gate (weight-update pauses), admission against the
 * rollout's limits, the link to the call it continues, then pass-through or token mode. A client
 * that disconnects aborts the engine request.
 */
export async function serveChatCall(ctx: CallContext, reply: FastifyReply, rollout: OpenRollout, request: ChatRequest, requestJson: string): Promise<void> {
  const policyVersion = await ctx.policy.admit();
  try {
    await serveAdmitted(ctx, reply, rollout, request, requestJson, policyVersion);
  } finally {
    ctx.policy.release();
  }
}

async function serveAdmitted(ctx: CallContext, reply: FastifyReply, rollout: OpenRollout, request: ChatRequest, requestJson: string, policyVersion: number): Promise<void> {
  const admission = ctx.registry.admit(rollout);
  const key = messagesKey(request.messages, request.tools);
  const lookup = rollout.conversation.find(key, request.messages);
  const extension = 'extension' in lookup ? lookup.extension.turn : null;
  const start: CallStart = {
    rolloutId: rollout.record.id,
    rolloutTrainable: rollout.record.trainable,
    seq: admission.seq,
    isStream: request.stream === true,
    requestJson,
    sentJson: '',
    engine: ctx.engineKind,
    replica: ctx.replicas.pick(rollout),
    policyVersion,
    mode: ctx.engineSetup.mode,
    extendsCallId: extension?.callId ?? null,
    extendsChoice: extension?.choiceIndex ?? null,
    startedAt: Date.now(),
    startedMs: performance.now(),
  };
  const abort = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) abort.abort();
  };
  reply.raw.on('close', onClose);
  reply.raw.on('error', () => abort.abort());
  const runtime: CallRuntime = {
    signal: abort.signal,
    rollout,
    remember: (callId: number, capture: CallCapture) => rememberTurns(rollout.conversation, key, callId, capture),
  };
  let totalTokens = 0;
  try {
    const chat = ctx.engineSetup.driver.chat;
    if (ctx.engineSetup.mode === 'token' || chat === null) {
      totalTokens = await serveTokenCall(ctx, reply, start, runtime, request, lookup, admission.maxTokens);
    } else {
      const sent = chat.buildRequest(request, rollout.record.sampling, admission.maxTokens);
      start.sentJson = JSON.stringify(sent);
      start.sentRecord = sentAsPatch(request, sent);
      totalTokens = start.isStream ? await serveStreamingChat(ctx, reply, start, runtime, chat) : await serveUnaryChat(ctx, reply, start, runtime, chat);
    }
  } finally {
    ctx.registry.release(rollout, totalTokens);
    reply.raw.off('close', onClose);
  }
}
