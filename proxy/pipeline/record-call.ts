import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { CallError, CallFlags, CallRecord, CallStatus } from '../../src/store/records.ts';
import { findUntrainableReason, storableIds, type CallCapture } from '../capture/call-capture.ts';
import { choiceCountProblem } from '../capture/choice-count.ts';
import type { CallFindings, PreparedCall } from '../strategies/call-strategy.ts';
import type { CallRun } from './call-run.ts';

/** How a call ended, as the pipeline records it. */
export type CallOutcome = {
  status: CallStatus;
  /** What was sent; null when the call failed before anything was. */
  prepared: PreparedCall | null;
  /** The replica that answered, or the one the call was routed to. */
  replica: string;
  capture: CallCapture | null;
  /** Why it failed, or why it was aborted by the proxy (a shutdown); null for a client that went away. */
  error: RollcallError | CallError | null;
  ttftMs: number | null;
  findings?: CallFindings;
};

/** The reason recorded for calls a shutdown's grace period ended (http/shutdown-drain.ts). */
export const SHUTDOWN_REASON = 'shutdown';

const toCallError = (error: RollcallError | CallError): CallError =>
  error instanceof RollcallError ? { code: error.code, message: error.message, status: error.status } : error;

/** Why a call that did not complete is not trainable. */
function unansweredReason(outcome: CallOutcome): string {
  if (outcome.status === 'aborted') {
    return outcome.error?.code === 'RC_ERR_SERVER_SHUTTING_DOWN' ? SHUTDOWN_REASON : 'the client disconnected before the answer was complete';
  }
  return outcome.error === null ? 'the call failed' : `the call failed: ${outcome.error.message}`;
}

/** Flags and the untrainable reason: the outcome's, then the strategy's, then the capture's invariants. */
function judge(run: CallRun, outcome: CallOutcome): { flags: CallFlags; reason: string | null } {
  const flags: CallFlags = { ...outcome.findings?.flags };
  const choiceCount = outcome.status === 'completed' && outcome.capture !== null ? choiceCountProblem(run.call.choicesAsked, outcome.capture) : null;
  if (choiceCount !== null) flags.choiceCount = choiceCount;
  if (outcome.status !== 'completed') return { flags, reason: unansweredReason(outcome) };
  const given = outcome.findings?.reason ?? null;
  if (given !== null) return { flags, reason: given };
  if (!run.call.rollout.record.trainable) return { flags, reason: 'the rollout is not trainable' };
  if (outcome.capture === null) return { flags, reason: 'nothing was captured' };
  return { flags, reason: choiceCount ?? findUntrainableReason(outcome.capture, run.engine.readiness.idBound()) };
}

function toRecord(run: CallRun, outcome: CallOutcome, latencyMs: number): CallRecord {
  const { call, engine, strategy } = run;
  const { flags, reason } = judge(run, outcome);
  const { capture } = outcome;
  const extension = 'extension' in call.conversation.lookup ? call.conversation.lookup.extension.turn : null;
  const promptIds = capture?.promptIds ?? null;
  return {
    rolloutId: call.rollout.record.id,
    seq: call.seq,
    status: outcome.status,
    trainable: reason === null,
    untrainableReason: reason,
    isStream: call.isStream,
    requestJson: call.requestJson,
    dialect: call.dialect.name,
    chatRequestJson: call.dialect.name === 'openai-chat' ? null : JSON.stringify(call.request),
    answerId: call.dialect.answerId,
    sentJson: outcome.prepared?.stored ?? null,
    response: capture?.response ?? null,
    // What is not an int32 id cannot be stored as one; such a call is untrainable and says why.
    promptIds: promptIds === null ? null : storableIds(promptIds),
    choices: (capture?.choices ?? []).map((choice) => ({ ...choice, completionIds: storableIds(choice.completionIds) })),
    usage: capture?.usage ?? null,
    latencyMs,
    ttftMs: outcome.ttftMs,
    engine: engine.config.kind,
    replica: outcome.replica,
    policyVersion: call.policyVersion,
    error: outcome.error === null ? null : toCallError(outcome.error),
    mode: strategy.mode,
    extendsCallId: extension?.callId ?? null,
    extendsChoice: extension?.choiceIndex ?? null,
    flags,
    startedAt: call.startedAt,
    endedAt: call.startedAt + Math.round(latencyMs),
  };
}

/** Commits one call in a single synchronous statement and counts it; returns the call id. */
export function recordCall(run: CallRun, outcome: CallOutcome): number {
  const latencyMs = performance.now() - run.call.startedMs;
  const record = toRecord(run, outcome, latencyMs);
  const { store, metrics, logger } = run.engine;
  const id = store.calls.insert(record);
  metrics.calls.inc({ status: record.status, stream: String(record.isStream) });
  metrics.replicaCalls.inc({ replica: outcome.replica, status: record.status });
  metrics.latency.observe(latencyMs / 1000);
  if (record.usage !== null) {
    metrics.tokens.inc({ kind: 'prompt' }, record.usage.promptTokens);
    metrics.tokens.inc({ kind: 'completion' }, record.usage.completionTokens);
  }
  // Calls of a rollout made untrainable on purpose (validation, an auxiliary model) are expected;
  // a completed call of a trainable rollout that cannot be trained on is worth a warning.
  if (record.status === 'completed' && record.untrainableReason !== null && run.call.rollout.record.trainable) {
    metrics.untrainable.inc({});
    logger.warn({ rolloutId: record.rolloutId, seq: record.seq, reason: record.untrainableReason }, 'call recorded as not trainable');
  }
  if (record.status === 'failed' && record.error !== null) metrics.upstreamErrors.inc({ code: record.error.code });
  return id;
}
