import type { FastifyReply } from 'fastify';
import type { ChatRequest } from '../../src/wire/openai-chat.ts';
import type { CallCapture } from '../capture/call-capture.ts';
import { rememberTurns } from '../conversation/remember-turns.ts';
import { buildVllmChatRequest } from '../drivers/vllm/chat-request.ts';
import type { OpenRollout } from '../rollouts/rollout-registry.ts';
import type { CallContext } from './call-context.ts';
import type { CallStart } from './call-recorder.ts';
import { serveStreamingChat } from './streaming-chat-call.ts';
import { serveUnaryChat } from './unary-chat-call.ts';

/**
 * One chat call of a rollout: admission against the rollout's limits, the engine request built
 * from the client's and the rollout's sampling policy, and the streaming or unary path. A
 * client that disconnects aborts the engine request.
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
  const lookup = rollout.conversation.find(request.messages, request.tools);
  const extension = 'extension' in lookup ? lookup.extension.turn : null;
  const sent = buildVllmChatRequest(request, rollout.record.sampling, admission.maxTokens);
  const start: CallStart = {
    rolloutId: rollout.record.id,
    rolloutTrainable: rollout.record.trainable,
    seq: admission.seq,
    isStream: request.stream === true,
    requestJson,
    sentJson: JSON.stringify(sent),
    engine: ctx.engineKind,
    replica: ctx.replicas.pick(rollout),
    policyVersion,
    mode: 'chat',
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
  const remember = (callId: number, capture: CallCapture) => rememberTurns(rollout.conversation, request.messages, request.tools, callId, capture);
  let totalTokens = 0;
  try {
    totalTokens = start.isStream
      ? await serveStreamingChat(ctx, reply, start, { signal: abort.signal, rollout, remember })
      : await serveUnaryChat(ctx, reply, start, { signal: abort.signal, rollout, remember });
  } finally {
    ctx.registry.release(rollout, totalTokens);
    reply.raw.off('close', onClose);
  }
}
