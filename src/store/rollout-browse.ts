import type { SqliteDatabase } from './open-database.ts';
import type { RolloutRecord } from './records.ts';
import { toRecord, type RolloutRow } from './rollout-store.ts';

/**
 * Read-only queries for browsing a trajectory database (the log view): rollouts by training step,
 * per-rollout call totals, text search, and a cheap fingerprint that changes with every commit.
 * The trainer tags each rollout's metadata with its `step` and `split`; rollouts without a step
 * (made by other clients of the proxy) are browsed under step `null`. Every statement is prepared
 * once; none writes, so they run on a read-only connection.
 */

/** One (step, split, status) cell of the step table. */
export type StepCell = { step: number | null; split: string | null; status: string; rollouts: number; rewarded: number; rewardSum: number; successes: number };

/** Totals over one rollout's calls. */
export type CallTotals = {
  rolloutId: string;
  calls: number;
  failedCalls: number;
  untrainableCalls: number;
  completionTokens: number;
  truncatedCalls: number;
  malformedToolCalls: number;
  renderedFromScratch: number;
  latencyMs: number;
  lastPolicyVersion: number | null;
};

/** Changes whenever a rollout or call is added, or a rollout closes. */
export type StoreFingerprint = { lastCallId: number; rollouts: number; openRollouts: number };

const STEP_OF = "json_extract(metadata_json, '$.step')";
const IN_STEP = `engine = 'policy' AND ${STEP_OF} IS @step`;

export class RolloutBrowser {
  private readonly stepCellsStmt;
  private readonly inStepStmt;
  private readonly totalsStmt;
  private readonly searchStmt;
  private readonly fingerprintStmt;
  private readonly groupStmt;

  constructor(db: SqliteDatabase) {
    this.stepCellsStmt = db.prepare<[], StepCell>(
      `SELECT ${STEP_OF} AS step, json_extract(metadata_json, '$.split') AS split, status, COUNT(*) AS rollouts,
         COUNT(reward) AS rewarded, COALESCE(SUM(reward), 0) AS rewardSum, COALESCE(SUM(is_success), 0) AS successes
       FROM rollouts WHERE engine = 'policy' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    this.inStepStmt = db.prepare<{ step: number | null }, RolloutRow>(`SELECT * FROM rollouts WHERE ${IN_STEP} ORDER BY created_at, id`);
    this.totalsStmt = db.prepare<{ ids: string }, CallTotals>(
      `SELECT rollout_id AS rolloutId, COUNT(*) AS calls, SUM(status != 'completed') AS failedCalls,
         SUM(trainable = 0) AS untrainableCalls,
         COALESCE(SUM(CASE WHEN status = 'completed' THEN json_extract(usage_json, '$.completionTokens') END), 0) AS completionTokens,
         SUM(finish_reason = 'length') AS truncatedCalls,
         SUM(json_extract(flags_json, '$.malformedToolCall') IS NOT NULL) AS malformedToolCalls,
         SUM(json_extract(flags_json, '$.renderedFromScratch') IS NOT NULL) AS renderedFromScratch,
         SUM(latency_ms) AS latencyMs, MAX(policy_version) AS lastPolicyVersion
       FROM calls WHERE rollout_id IN (SELECT value FROM json_each(@ids)) GROUP BY rollout_id`,
    );
    this.searchStmt = db.prepare<{ step: number | null; needle: string }, { rolloutId: string }>(
      `SELECT DISTINCT rollout_id AS rolloutId FROM calls
       WHERE rollout_id IN (SELECT id FROM rollouts WHERE ${IN_STEP})
         AND (instr(lower(response_json), @needle) > 0 OR instr(lower(request_json), @needle) > 0)`,
    );
    this.fingerprintStmt = db.prepare<[], StoreFingerprint>(
      `SELECT COALESCE((SELECT MAX(id) FROM calls), 0) AS lastCallId, (SELECT COUNT(*) FROM rollouts) AS rollouts,
         (SELECT COUNT(*) FROM rollouts WHERE status = 'open') AS openRollouts`,
    );
    this.groupStmt = db.prepare<[string], RolloutRow>('SELECT * FROM rollouts WHERE group_id = ? ORDER BY created_at, id');
  }

  /** Rollout counts and reward sums per step, split and status (policy rollouts only). */
  stepCells(): StepCell[] {
    return this.stepCellsStmt.all();
  }

  /** The policy rollouts of a training step, oldest first; `null` for rollouts without a step. */
  rolloutsOfStep(step: number | null): RolloutRecord[] {
    return this.inStepStmt.all({ step }).map(toRecord);
  }

  /**
   * Call totals of the given rollouts that have calls. Reading them touches every call row past
   * its token blobs, so callers keep the totals of closed rollouts, which no longer change.
   */
  callTotals(rolloutIds: readonly string[]): CallTotals[] {
    return rolloutIds.length === 0 ? [] : this.totalsStmt.all({ ids: JSON.stringify(rolloutIds) });
  }

  /** Rollouts of a step with a call whose request or answer holds `text` (case-insensitive, in the stored JSON). */
  searchStep(step: number | null, text: string): Set<string> {
    return new Set(this.searchStmt.all({ step, needle: text.toLowerCase() }).map((row) => row.rolloutId));
  }

  /** Every rollout of a task group: its attempts, and the auxiliary-engine rollouts (an LLM judge's calls) opened beside them. */
  rolloutsInGroup(groupId: string): RolloutRecord[] {
    return this.groupStmt.all(groupId).map(toRecord);
  }

  fingerprint(): StoreFingerprint {
    return this.fingerprintStmt.get() as StoreFingerprint;
  }
}
