import type { ChatRequest } from '../../src/wire/openai-chat.ts';
import { messagesKey } from '../conversation/conversation-index.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import type { OpenRollout } from '../rollouts/rollout-registry.ts';
import type { CallDialect, ChatCall } from '../strategies/call-strategy.ts';
import type { ClientAnswer } from './client-answer.ts';

/** A call as the route hands it over: who it is for, what was asked, and how to answer. */
export type IncomingCall = {
  rollout: OpenRollout;
  request: ChatRequest;
  /** The body exactly as the client sent it. */
  requestJson: string;
  /** The client's side of the call, in the route's dialect. */
  client: ClientAnswer;
  /** A dialect translated at the edge into `request`; absent for chat completions. */
  dialect?: CallDialect;
};

const CHAT: CallDialect = { name: 'openai-chat', answerId: null };

/**
 * Admission against the rollout's limits (calls, tokens: throws the registry's 403s), the
 * rollout's next sequence number, and where the messages sit in its conversation. The result is
 * the call's one state object; nothing changes it afterwards.
 */
export function admitCall(engine: EngineContext, incoming: IncomingCall, policyVersion: number): ChatCall {
  const { rollout, request } = incoming;
  const admission = engine.registry.admit(rollout);
  const key = messagesKey(request.messages, request.tools);
  return {
    rollout,
    request,
    requestJson: incoming.requestJson,
    dialect: incoming.dialect ?? CHAT,
    seq: admission.seq,
    isStream: request.stream === true,
    choicesAsked: request.n ?? 1,
    maxTokensCap: admission.maxTokens,
    policyVersion,
    conversation: { key, lookup: rollout.conversation.find(key, request.messages) },
    signal: incoming.client.signal,
    http: (engineRequest) => engine.replicas.request(rollout, engineRequest),
    startedAt: Date.now(),
    startedMs: performance.now(),
  };
}
