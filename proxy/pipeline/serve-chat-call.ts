import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { tokensSpent, unfinishedChoice } from '../capture/call-capture.ts';
import { rememberTurns } from '../conversation/remember-turns.ts';
import type { EngineContext } from '../engine/engine-context.ts';
import { isShutdownAbort } from '../http/shutdown-drain.ts';
import type { BudgetTicket } from '../rollouts/call-budget.ts';
import type { CallAnswer, PreparedCall } from '../strategies/call-strategy.ts';
import type { EngineResponse } from '../upstream/engine-pool.ts';
import { mapUpstreamError } from '../upstream/map-upstream-error.ts';
import { admitCall, checkChoiceCeiling, type IncomingCall } from './admit-call.ts';
import type { CallRun } from './call-run.ts';
import { readWholeBody, sendPrepared } from './engine-exchange.ts';
import { recordCall, type CallOutcome } from './record-call.ts';
import { pumpSse } from './sse-pump.ts';

/**
 * The call pipeline, the one path every chat call takes, whatever the engine's mode:
 *
 *   admit → prepare → send → read or stream → record → answer
 *
 * Admit: the engine must be ready (its strategy known), the policy gate lets it in (weight-update
 * pauses), the rollout's limits allow it and its tokens are reserved. Prepare: the engine's
 * strategy builds the request. Send: to the rollout's replica. A failure up to here is recorded
 * and answered as a plain JSON error. Read: a whole answer, or a stream passed to the client
 * event by event. Record: one synchronous commit. Answer: only then does the client get the
 * whole answer or the end of its stream, so every answer a client received is in the database.
 * A client that disconnects aborts the engine request and the call is recorded aborted; so does
 * the end of a shutdown's grace period, which also answers the client with the shutdown error.
 */
export async function serveChatCall(engine: EngineContext, incoming: IncomingCall): Promise<void> {
  const signal = callSignal(incoming.client.signal, engine.stopping);
  try {
    checkChoiceCeiling(engine, incoming.request);
    const strategy = engine.readiness.strategy();
    const policyVersion = await engine.policy.admit(engine.stopping);
    try {
      const { call, budget } = admitCall(engine, incoming, policyVersion, signal.signal);
      await serveAdmitted({ engine, strategy, call, client: incoming.client }, budget);
    } finally {
      engine.policy.release();
    }
  } finally {
    signal.dispose();
    incoming.client.release();
  }
}

/** The call's signal: aborted by its client going away, or by the end of a shutdown's grace period (with that reason). */
function callSignal(client: AbortSignal, stopping: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onClient = () => controller.abort(client.reason);
  const onStop = () => controller.abort(stopping.reason);
  if (client.aborted) onClient();
  else if (stopping.aborted) onStop();
  client.addEventListener('abort', onClient, { once: true });
  stopping.addEventListener('abort', onStop, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      client.removeEventListener('abort', onClient);
      stopping.removeEventListener('abort', onStop);
    },
  };
}

/** An admitted call; its reservation is settled to the tokens it used, whatever the outcome. */
async function serveAdmitted(run: CallRun, budget: BudgetTicket): Promise<void> {
  let tokens = 0;
  try {
    const exchanged = await exchange(run);
    if (exchanged === null) return;
    const { sent, whole } = exchanged;
    tokens = whole === null ? await streamAnswer(run, sent) : await answerWhole(run, sent, whole);
  } finally {
    budget.settle(tokens);
  }
}

type Sent = { prepared: PreparedCall; replica: string; response: EngineResponse };

/** An aborted call's outcome: the shutdown error when the proxy stopped it, none when its client went away. */
const abortedBy = (run: CallRun): { status: 'aborted'; error: RollcallError | null } => ({
  status: 'aborted',
  error: isShutdownAbort(run.call.signal) ? run.call.signal.reason : null,
});

/** Prepare, send, and for a whole answer read it; null when the client went away first. */
async function exchange(run: CallRun): Promise<{ sent: Sent; whole: (CallAnswer & { ttftMs: number }) | null } | null> {
  const { call, engine, strategy } = run;
  let prepared: PreparedCall | null = null;
  let replica = engine.replicas.pick(call.rollout);
  let ttftMs: number | null = null;
  try {
    prepared = await strategy.prepare(call);
    const response = await sendPrepared(run, prepared);
    replica = response.origin;
    const sent = { prepared, replica, response };
    if (call.isStream) return { sent, whole: null };
    const body = await readWholeBody(response, call.startedMs);
    ttftMs = body.ttftMs;
    return { sent, whole: { ...(await prepared.readAnswer(body.json, body.bytes)), ttftMs } };
  } catch (error) {
    const failure: Omit<CallOutcome, 'status' | 'error'> = { prepared, replica, capture: null, ttftMs };
    if (call.signal.aborted) {
      const aborted = abortedBy(run);
      recordCall(run, { ...failure, ...aborted });
      if (aborted.error !== null) throw aborted.error;
      return null;
    }
    const mapped = mapUpstreamError(error, replica, engine.config);
    recordCall(run, { ...failure, status: 'failed', error: mapped });
    throw mapped;
  }
}

function remember(run: CallRun, callId: number, capture: CallAnswer['capture']): void {
  rememberTurns(run.call.rollout.conversation, run.call.conversation.key, callId, capture);
}

/** Record, then answer: the committed call is marked aborted if the answer does not arrive. */
async function answerWhole(run: CallRun, sent: Sent, answer: CallAnswer & { ttftMs: number }): Promise<number> {
  const { capture } = answer;
  const callId = recordCall(run, { status: 'completed', prepared: sent.prepared, replica: sent.replica, capture, error: null, ttftMs: answer.ttftMs, findings: answer });
  remember(run, callId, capture);
  await run.client.sendWhole(answer, (reason) => run.engine.store.calls.markAborted(callId, reason));
  return tokensSpent(capture);
}

/** A stream whose every choice the engine finished; else why not, as the error the client gets. */
function unfinishedError(capture: CallAnswer['capture']): RollcallError | null {
  const problem = unfinishedChoice(capture);
  return problem === null ? null : new RollcallError('RC_ERR_UPSTREAM_UNFINISHED', { detail: problem });
}

/**
 * A stream: events go to the client as the engine's arrive; the engine's final `[DONE]` is held
 * back until the record is committed. After the stream opened, a failure (the engine's error
 * event, a broken stream, a choice the engine did not finish, the shutdown) is one SSE error
 * event and the end of the stream.
 */
async function streamAnswer(run: CallRun, sent: Sent): Promise<number> {
  const { call, engine } = run;
  const stream = run.client.openStream();
  const reader = sent.prepared.openStream();
  const outcome = await pumpSse({
    body: sent.response.body,
    reader,
    client: stream,
    signal: call.signal,
    startedMs: call.startedMs,
    requireDone: !sent.prepared.streamEndsWithoutDone,
    mapError: (error) => mapUpstreamError(error, sent.replica, engine.config),
  });
  const end = await reader.finish(outcome.brokenBy === null && !call.signal.aborted);
  const base = { prepared: sent.prepared, replica: sent.replica, capture: end.capture, ttftMs: outcome.ttftMs, findings: end };
  const tokens = tokensSpent(end.capture);
  if (call.signal.aborted) {
    const aborted = abortedBy(run);
    recordCall(run, { ...base, ...aborted });
    if (aborted.error !== null) stream.end({ broken: aborted.error, tail: [], done: null }, null);
    return tokens;
  }
  const failure = outcome.brokenBy ?? end.broken ?? unfinishedError(end.capture);
  const callId = recordCall(run, { ...base, status: failure === null ? 'completed' : 'failed', error: failure });
  if (failure === null) remember(run, callId, end.capture);
  const lost = failure === null ? (reason: string) => engine.store.calls.markAborted(callId, reason) : null;
  stream.end(failure === null ? { broken: null, tail: end.tail, done: outcome.done, capture: end.capture } : { broken: failure, tail: [], done: outcome.done, capture: end.capture }, lost);
  return tokens;
}
