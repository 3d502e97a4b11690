import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { CallError, CallFlags, CallRecord, CallStatus } from '../../src/store/records.ts';
import { findUntrainableReason, type CallCapture } from '../capture/call-capture.ts';
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
  error: RollcallError | CallError | null;
  ttftMs: number | null;
  findings?: CallFindings;
};

const toCallError = (error: RollcallError | CallError): CallError =>
  error instanceof RollcallError ? { code: error.code, message: error.message, status: error.status } : error;

/** Flags and the untrainable reason: the strategy's, then the outcome's, then the capture's invariants. */
function judge(run: CallRun, outcome: CallOutcome): { flags: CallFlags; reason: string | null } {
  const flags: CallFlags = { ...outcome.findings?.flags };
  const choiceCount = outcome.status === 'completed' && outcome.capture !== null ? choiceCountProblem(run.call.choicesAsked, outcome.capture) : null;
  if (choiceCount !== null) flags.choiceCount = choiceCount;
  const given = outcome.status === 'completed' ? (outcome.findings?.reason ?? null) : null;
  if (given !== null) return { flags, reason: given };
  if (outcome.status === 'aborted') return { flags, reason: 'the client disconnected before the answer was complete' };
  if (outcome.status === 'failed') return { flags, reason: 'the call failed' };
  if (!run.call.rollout.record.trainable) return { flags, reason: 'the rollout is not trainable' };
  if (outcome.capture === null) return { flags, reason: 'nothing was captured' };
  return { flags, reason: choiceCount ?? findUntrainableReason(outcome.capture) };
}

function toRecord(run: CallRun, outcome: CallOutcome, latencyMs: number): CallRecord {
  const { call, engine, strategy } = run;
  const { flags, reason } = judge(run, outcome);
  const { capture } = outcome;
  const extension = 'extension' in call.conversation.lookup ? call.conversation.lookup.extension.turn : null;
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
    promptIds: capture?.promptIds ?? null,
    choices: capture?.choices ?? [],
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
  if (record.status === 'completed' && record.untrainableReason !== null) {
    metrics.untrainable.inc({});
    logger.warn({ rolloutId: record.rolloutId, seq: record.seq, reason: record.untrainableReason }, 'call recorded as not trainable');
  }
  if (record.error !== null) metrics.upstreamErrors.inc({ code: record.error.code });
  return id;
}
