import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { ChatRequest } from '../../src/wire/openai-chat.ts';
import { messagesKey } from '../conversation/conversation-index.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import type { BudgetTicket } from '../rollouts/call-budget.ts';
import type { OpenRollout } from '../rollouts/rollout-registry.ts';
import type { CallDialect, ChatCall } from '../strategies/call-strategy.ts';
import { clientMaxTokens } from '../strategies/completion-budget.ts';
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

/** An admitted call, and the reservation of its tokens to settle when it ends. */
export type AdmittedCall = { call: ChatCall; budget: BudgetTicket };

/** The proxy's ceiling on `n`, checked before the call waits for anything: a 400 naming `n`. */
export function checkChoiceCeiling(engine: EngineContext, request: ChatRequest): void {
  const asked = request.n ?? 1;
  const ceiling = engine.limits.maxChoicesPerCall;
  if (asked > ceiling) {
    throw new RollcallError('RC_ERR_REQUEST_VALIDATION', { path: 'n', detail: `n is ${asked}; this proxy allows at most ${ceiling} choices per call (maxChoicesPerCall)` }, { param: 'n' });
  }
}

const CHAT: CallDialect = { name: 'openai-chat', answerId: null };

/**
 * Admission against the rollout's limits (calls, tokens: the registry's 403s), the rollout's
 * next sequence number, and where the messages sit in its conversation. The call is its one
 * state object; nothing changes it afterwards. `signal` aborts when the client goes away or a
 * shutdown's grace period ends.
 */
export function admitCall(engine: EngineContext, incoming: IncomingCall, policyVersion: number, signal: AbortSignal): AdmittedCall {
  const { rollout, request } = incoming;
  const choicesAsked = request.n ?? 1;
  const admission = engine.registry.admit(rollout, { choices: choicesAsked, clientMaxTokens: clientMaxTokens({ request }) });
  const key = messagesKey(request.messages, request.tools);
  const call: ChatCall = {
    rollout,
    request,
    requestJson: incoming.requestJson,
    dialect: incoming.dialect ?? CHAT,
    seq: admission.seq,
    isStream: request.stream === true,
    choicesAsked,
    budget: admission.budget,
    policyVersion,
    conversation: { key, lookup: rollout.conversation.find(key, request.messages) },
    signal,
    http: (engineRequest) => engine.replicas.request(rollout, engineRequest),
    startedAt: Date.now(),
    startedMs: performance.now(),
  };
  return { call, budget: admission.budget };
}
