/**
 * Fidelity read-back: after the capture-on proxy has exited (SIGTERM, so it closed its store),
 * open its SQLite file read-only and count what was recorded, by status, with the id and
 * logprob counts the blobs hold (int32 ids and float32 logprobs: 4 bytes each).
 */
import Database from 'better-sqlite3';

export type StatusCount = { status: string; calls: number; trainable: number };

export type Recorded = {
  byStatus: StatusCount[];
  total: number;
  completed: number;
  /** For the given rollouts only: calls, completed-and-trainable calls, id and logprob sums. */
  subset: { calls: number; trainable: number; promptIds: number; completionIds: number; logprobs: number; streams: number };
};

export function readRecorded(dbPath: string, subsetRolloutIds: readonly string[]): Recorded {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const byStatus = db
      .prepare<[], StatusCount>('SELECT status, COUNT(*) AS calls, SUM(trainable) AS trainable FROM calls GROUP BY status ORDER BY status')
      .all();
    const total = byStatus.reduce((sum, row) => sum + row.calls, 0);
    const completed = byStatus.find((row) => row.status === 'completed')?.calls ?? 0;
    const subset = db
      .prepare<[string], Recorded['subset']>(
        `SELECT COUNT(*) AS calls,
           COALESCE(SUM(CASE WHEN status = 'completed' AND trainable = 1 THEN 1 ELSE 0 END), 0) AS trainable,
           COALESCE(SUM(length(prompt_ids)) / 4, 0) AS promptIds,
           COALESCE(SUM(length(completion_ids)) / 4, 0) AS completionIds,
           COALESCE(SUM(length(logprobs)) / 4, 0) AS logprobs,
           COALESCE(SUM(is_stream), 0) AS streams
         FROM calls WHERE rollout_id IN (SELECT value FROM json_each(?))`,
      )
      .get(JSON.stringify(subsetRolloutIds)) as Recorded['subset'];
    return { byStatus, total, completed, subset };
  } finally {
    db.close();
  }
}
