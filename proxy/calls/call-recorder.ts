import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { CallError, CallFlags, CallMode, CallRecord, CallStatus } from '../../src/store/records.ts';
import { findUntrainableReason, type CallCapture } from '../capture/call-capture.ts';
import type { CallContext } from './call-context.ts';

/** The parts of a call record known when the call starts. */
export type CallStart = {
  rolloutId: string;
  rolloutTrainable: boolean;
  seq: number;
  isStream: boolean;
  requestJson: string;
  /** The body sent to the engine, exactly. */
  sentJson: string;
  /** How it is stored (src/store/sent-record.ts); the full body when unset. */
  sentRecord?: string;
  engine: string;
  /** Set to the replica that answered, once one did. */
  replica: string;
  policyVersion: number;
  mode: CallMode;
  extendsCallId: number | null;
  extendsChoice: number | null;
  startedAt: number;
  startedMs: number;
};

export type CallEnd = {
  status: CallStatus;
  capture: CallCapture | null;
  error: RollcallError | CallError | null;
  ttftMs: number | null;
  /** Why the call is not trainable when the outcome alone does not say. */
  reason?: string;
  flags?: CallFlags;
};

const toCallError = (error: RollcallError | CallError): CallError =>
  error instanceof RollcallError ? { code: error.code, message: error.message, status: error.status } : error;

function untrainableReason(start: CallStart, end: CallEnd): string | null {
  if (end.reason !== undefined) return end.reason;
  if (end.status === 'aborted') return 'the client disconnected before the answer was complete';
  if (end.status === 'failed') return 'the call failed';
  if (!start.rolloutTrainable) return 'the rollout is not trainable';
  if (end.capture === null) return 'nothing was captured';
  return findUntrainableReason(end.capture);
}

/** Commits one call in a single synchronous statement and counts it; returns the call id. */
export function recordCall(ctx: CallContext, start: CallStart, end: CallEnd): number {
  const reason = untrainableReason(start, end);
  const latencyMs = performance.now() - start.startedMs;
  const record: CallRecord = {
    rolloutId: start.rolloutId,
    seq: start.seq,
    status: end.status,
    trainable: reason === null,
    untrainableReason: reason,
    isStream: start.isStream,
    requestJson: start.requestJson,
    sentJson: start.sentRecord ?? start.sentJson,
    response: end.capture?.response ?? null,
    promptIds: end.capture?.promptIds ?? null,
    choices: end.capture?.choices ?? [],
    usage: end.capture?.usage ?? null,
    latencyMs,
    ttftMs: end.ttftMs,
    engine: start.engine,
    replica: start.replica,
    policyVersion: start.policyVersion,
    error: end.error === null ? null : toCallError(end.error),
    mode: start.mode,
    extendsCallId: start.extendsCallId,
    extendsChoice: start.extendsChoice,
    flags: end.flags ?? {},
    startedAt: start.startedAt,
    endedAt: start.startedAt + Math.round(latencyMs),
  };
  const id = ctx.store.calls.insert(record);
  const { metrics } = ctx;
  metrics.calls.inc({ status: end.status, stream: String(start.isStream) });
  metrics.replicaCalls.inc({ replica: start.replica, status: end.status });
  metrics.latency.observe(latencyMs / 1000);
  if (record.usage !== null) {
    metrics.tokens.inc({ kind: 'prompt' }, record.usage.promptTokens);
    metrics.tokens.inc({ kind: 'completion' }, record.usage.completionTokens);
  }
  if (end.status === 'completed' && reason !== null) {
    metrics.untrainable.inc({});
    ctx.logger.warn({ rolloutId: start.rolloutId, seq: start.seq, reason }, 'call recorded as not trainable');
  }
  if (end.error !== null) metrics.upstreamErrors.inc({ code: toCallError(end.error).code });
  return id;
}
