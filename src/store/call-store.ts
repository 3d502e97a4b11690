import { packFloat32, packInt32, unpackFloat32, unpackInt32 } from './blobs.ts';
import type { SqliteDatabase } from './open-database.ts';
import type { CallError, CallFlags, CallMode, CallRecord, CallStatus, ChoiceCapture, Dialect, StoredCall, Usage } from './records.ts';

/** Per choice: its id count, and its logprob count when that differs (a call kept as untrainable). */
type ChoiceMeta = { index: number; length: number; logprobLength?: number; finishReason: string | null; stopReason?: string | number | null };

type CallRow = {
  id: number;
  rollout_id: string;
  seq: number;
  status: CallStatus;
  trainable: number;
  untrainable_reason: string | null;
  is_stream: number;
  request_json: string;
  dialect: Dialect;
  chat_request_json: string | null;
  answer_id: string | null;
  sent_json: string | null;
  response_json: string | null;
  prompt_ids: Buffer | null;
  completion_ids: Buffer | null;
  logprobs: Buffer | null;
  choice_lengths_json: string;
  finish_reason: string | null;
  usage_json: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  engine: string;
  replica: string | null;
  policy_version: number;
  error_json: string | null;
  mode: CallMode;
  extends_call_id: number | null;
  extends_choice: number | null;
  flags_json: string;
  started_at: number;
  ended_at: number;
};

const parseJson = <T>(text: string | null): T | null => (text === null ? null : (JSON.parse(text) as T));

/** Splits the concatenated per-choice arrays back into choices. */
function toChoices(row: CallRow): ChoiceCapture[] {
  const ids = unpackInt32(row.completion_ids);
  const logprobs = unpackFloat32(row.logprobs);
  const metas = JSON.parse(row.choice_lengths_json) as ChoiceMeta[];
  let idAt = 0;
  let logprobAt = 0;
  return metas.map((meta) => {
    const logprobLength = meta.logprobLength ?? meta.length;
    const choice: ChoiceCapture = {
      index: meta.index,
      completionIds: ids.slice(idAt, idAt + meta.length),
      logprobs: logprobs.slice(logprobAt, logprobAt + logprobLength),
      finishReason: meta.finishReason,
      ...(meta.stopReason === undefined ? {} : { stopReason: meta.stopReason }),
    };
    idAt += meta.length;
    logprobAt += logprobLength;
    return choice;
  });
}

function toStored(row: CallRow): StoredCall {
  return {
    id: row.id,
    rolloutId: row.rollout_id,
    seq: row.seq,
    status: row.status,
    trainable: row.trainable === 1,
    untrainableReason: row.untrainable_reason,
    isStream: row.is_stream === 1,
    requestJson: row.request_json,
    dialect: row.dialect,
    chatRequestJson: row.chat_request_json,
    answerId: row.answer_id,
    sentJson: row.sent_json,
    response: parseJson(row.response_json),
    promptIds: row.prompt_ids === null ? null : unpackInt32(row.prompt_ids),
    choices: toChoices(row),
    usage: parseJson<Usage>(row.usage_json),
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    engine: row.engine,
    replica: row.replica,
    policyVersion: row.policy_version,
    error: parseJson<CallError>(row.error_json),
    mode: row.mode,
    extendsCallId: row.extends_call_id,
    extendsChoice: row.extends_choice,
    flags: JSON.parse(row.flags_json) as CallFlags,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

/** One row per call; ids and logprobs of all choices concatenated into one blob each. */
export class CallStore {
  private readonly insertStmt;
  private readonly byRolloutStmt;
  private readonly maxSeqStmt;
  private readonly markAbortedStmt;
  private readonly byAnswerStmt;

  constructor(db: SqliteDatabase) {
    this.insertStmt = db.prepare(
      `INSERT INTO calls (rollout_id, seq, status, trainable, untrainable_reason, is_stream, request_json,
         sent_json, response_json, prompt_ids, completion_ids, logprobs, choice_lengths_json, finish_reason,
         usage_json, latency_ms, ttft_ms, engine, replica, policy_version, error_json, mode, extends_call_id,
         extends_choice, flags_json, started_at, ended_at, dialect, chat_request_json, answer_id)
       VALUES (@rolloutId, @seq, @status, @trainable, @untrainableReason, @isStream, @requestJson, @sentJson,
         @responseJson, @promptIds, @completionIds, @logprobs, @choiceLengths, @finishReason, @usageJson,
         @latencyMs, @ttftMs, @engine, @replica, @policyVersion, @errorJson, @mode, @extendsCallId, @extendsChoice,
         @flagsJson, @startedAt, @endedAt, @dialect, @chatRequestJson, @answerId)`,
    );
    this.byRolloutStmt = db.prepare<[string], CallRow>('SELECT * FROM calls WHERE rollout_id = ? ORDER BY seq');
    this.maxSeqStmt = db.prepare<[string], { maxSeq: number | null }>(
      'SELECT MAX(seq) AS maxSeq FROM calls WHERE rollout_id = ?',
    );
    this.byAnswerStmt = db.prepare<[string, string], CallRow>('SELECT * FROM calls WHERE rollout_id = ? AND answer_id = ?');
    this.markAbortedStmt = db.prepare(
      `UPDATE calls SET status = 'aborted', trainable = 0, untrainable_reason = @reason WHERE id = @id`,
    );
  }

  /** Commits one call in its own transaction (an autocommit statement); returns its id. */
  insert(call: CallRecord): number {
    let idCount = 0;
    let logprobCount = 0;
    for (const choice of call.choices) {
      idCount += choice.completionIds.length;
      logprobCount += choice.logprobs.length;
    }
    const allIds = new Int32Array(idCount);
    const allLogprobs = new Float32Array(logprobCount);
    let idAt = 0;
    let logprobAt = 0;
    for (const choice of call.choices) {
      allIds.set(choice.completionIds, idAt);
      allLogprobs.set(choice.logprobs, logprobAt);
      idAt += choice.completionIds.length;
      logprobAt += choice.logprobs.length;
    }
    const result = this.insertStmt.run({
      rolloutId: call.rolloutId,
      seq: call.seq,
      status: call.status,
      trainable: call.trainable ? 1 : 0,
      untrainableReason: call.untrainableReason,
      isStream: call.isStream ? 1 : 0,
      requestJson: call.requestJson,
      dialect: call.dialect,
      chatRequestJson: call.chatRequestJson,
      answerId: call.answerId,
      sentJson: call.sentJson,
      responseJson: call.response === undefined || call.response === null ? null : JSON.stringify(call.response),
      promptIds: call.promptIds === null ? null : packInt32(call.promptIds),
      completionIds: call.choices.length === 0 ? null : packInt32(allIds),
      logprobs: call.choices.length === 0 ? null : packFloat32(allLogprobs),
      choiceLengths: JSON.stringify(
        call.choices.map((c) => ({
          index: c.index,
          length: c.completionIds.length,
          ...(c.logprobs.length === c.completionIds.length ? {} : { logprobLength: c.logprobs.length }),
          finishReason: c.finishReason,
          ...(c.stopReason === undefined ? {} : { stopReason: c.stopReason }),
        })),
      ),
      finishReason: call.choices[0]?.finishReason ?? null,
      usageJson: call.usage === null ? null : JSON.stringify(call.usage),
      latencyMs: call.latencyMs,
      ttftMs: call.ttftMs,
      engine: call.engine,
      replica: call.replica,
      policyVersion: call.policyVersion,
      errorJson: call.error === null ? null : JSON.stringify(call.error),
      mode: call.mode,
      extendsCallId: call.extendsCallId,
      extendsChoice: call.extendsChoice,
      flagsJson: JSON.stringify(call.flags),
      startedAt: call.startedAt,
      endedAt: call.endedAt,
    });
    return Number(result.lastInsertRowid);
  }

  /** A committed call whose answer then failed to reach the client is no longer trainable. */
  markAborted(id: number, reason: string): void {
    this.markAbortedStmt.run({ id, reason });
  }

  listForRollout(rolloutId: string): StoredCall[] {
    return this.byRolloutStmt.all(rolloutId).map(toStored);
  }

  /** The rollout's call whose answer had this id in the client's dialect (a Responses chain's previous_response_id). */
  findByAnswerId(rolloutId: string, answerId: string): StoredCall | undefined {
    const row = this.byAnswerStmt.get(rolloutId, answerId);
    return row === undefined ? undefined : toStored(row);
  }

  maxSeq(rolloutId: string): number {
    return this.maxSeqStmt.get(rolloutId)?.maxSeq ?? 0;
  }
}
