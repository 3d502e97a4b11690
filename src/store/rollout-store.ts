import type { SqliteDatabase } from './open-database.ts';
import type { RolloutRecord } from './records.ts';
import type { RolloutStatus } from '../wire/admin.ts';

export type RolloutRow = {
  id: string;
  task_id: string | null;
  group_id: string | null;
  attempt: number;
  tag: string | null;
  trainable: number;
  engine: string;
  status: RolloutStatus;
  limits_json: string;
  sampling_json: string;
  metadata_json: string;
  reward: number | null;
  is_success: number | null;
  created_at: number;
  expires_at: number | null;
  ended_at: number | null;
};

export type RolloutFilter = {
  status?: RolloutStatus | undefined;
  taskId?: string | undefined;
  groupId?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
  after?: { createdAt: number; id: string } | undefined;
  limit: number;
};

export type RolloutClose = {
  status: Exclude<RolloutStatus, 'open'>;
  reward?: number | null;
  isSuccess?: boolean | null;
  metadata?: Record<string, unknown>;
  endedAt: number;
};

/** A row of `rollouts` as a record. */
export function toRecord(row: RolloutRow): RolloutRecord {
  return {
    id: row.id,
    taskId: row.task_id,
    groupId: row.group_id,
    attempt: row.attempt,
    tag: row.tag,
    trainable: row.trainable === 1,
    engine: row.engine,
    status: row.status,
    limits: JSON.parse(row.limits_json) as RolloutRecord['limits'],
    sampling: JSON.parse(row.sampling_json) as RolloutRecord['sampling'],
    metadata: JSON.parse(row.metadata_json) as Record<string, unknown>,
    reward: row.reward,
    isSuccess: row.is_success === null ? null : row.is_success === 1,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    endedAt: row.ended_at,
  };
}

/** Rollout rows. Every statement is prepared once, when the store is built. */
export class RolloutStore {
  private readonly insertStmt;
  private readonly byIdStmt;
  private readonly byKeyHashStmt;
  private readonly closeStmt;
  private readonly listStmt;
  private readonly openStmt;
  private readonly countOpenStmt;

  constructor(db: SqliteDatabase) {
    this.insertStmt = db.prepare(
      `INSERT INTO rollouts (id, key_hash, task_id, group_id, attempt, tag, trainable, engine, status, limits_json,
         sampling_json, metadata_json, created_at, expires_at)
       VALUES (@id, @keyHash, @taskId, @groupId, @attempt, @tag, @trainable, @engine, 'open', @limits, @sampling,
         @metadata, @createdAt, @expiresAt)`,
    );
    this.byIdStmt = db.prepare<[string], RolloutRow>('SELECT * FROM rollouts WHERE id = ?');
    this.byKeyHashStmt = db.prepare<[Buffer], RolloutRow>('SELECT * FROM rollouts WHERE key_hash = ?');
    this.closeStmt = db.prepare(
      `UPDATE rollouts SET status = @status, reward = @reward, is_success = @isSuccess,
         metadata_json = @metadata, ended_at = @endedAt
       WHERE id = @id AND status = 'open'`,
    );
    this.listStmt = db.prepare<Record<string, unknown>, RolloutRow>(
      `SELECT * FROM rollouts
       WHERE (@status IS NULL OR status = @status)
         AND (@taskId IS NULL OR task_id = @taskId)
         AND (@groupId IS NULL OR group_id = @groupId)
         AND (@since IS NULL OR created_at >= @since)
         AND (@until IS NULL OR created_at < @until)
         AND (@afterCreatedAt IS NULL OR created_at > @afterCreatedAt
              OR (created_at = @afterCreatedAt AND id > @afterId))
       ORDER BY created_at, id
       LIMIT @limit`,
    );
    this.openStmt = db.prepare<[number], RolloutRow>("SELECT * FROM rollouts WHERE status = 'open' AND expires_at <= ?");
    this.countOpenStmt = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM rollouts WHERE status = 'open'");
  }

  insert(rollout: RolloutRecord, keyHash: Buffer): void {
    this.insertStmt.run({
      id: rollout.id,
      keyHash,
      taskId: rollout.taskId,
      groupId: rollout.groupId,
      attempt: rollout.attempt,
      tag: rollout.tag,
      trainable: rollout.trainable ? 1 : 0,
      engine: rollout.engine,
      limits: JSON.stringify(rollout.limits),
      sampling: JSON.stringify(rollout.sampling),
      metadata: JSON.stringify(rollout.metadata),
      createdAt: rollout.createdAt,
      expiresAt: rollout.expiresAt,
    });
  }

  get(id: string): RolloutRecord | undefined {
    const row = this.byIdStmt.get(id);
    return row === undefined ? undefined : toRecord(row);
  }

  getByKeyHash(keyHash: Buffer): RolloutRecord | undefined {
    const row = this.byKeyHashStmt.get(keyHash);
    return row === undefined ? undefined : toRecord(row);
  }

  /** Closes an open rollout; returns false when it was not open (nothing changes then). */
  close(id: string, close: RolloutClose, previousMetadata: Record<string, unknown>): boolean {
    const metadata = close.metadata === undefined ? previousMetadata : { ...previousMetadata, ...close.metadata };
    const result = this.closeStmt.run({
      id,
      status: close.status,
      reward: close.reward ?? null,
      isSuccess: close.isSuccess === undefined || close.isSuccess === null ? null : close.isSuccess ? 1 : 0,
      metadata: JSON.stringify(metadata),
      endedAt: close.endedAt,
    });
    return result.changes === 1;
  }

  list(filter: RolloutFilter): RolloutRecord[] {
    return this.listStmt
      .all({
        status: filter.status ?? null,
        taskId: filter.taskId ?? null,
        groupId: filter.groupId ?? null,
        since: filter.since ?? null,
        until: filter.until ?? null,
        afterCreatedAt: filter.after?.createdAt ?? null,
        afterId: filter.after?.id ?? null,
        limit: filter.limit,
      })
      .map(toRecord);
  }

  countOpen(): number {
    return this.countOpenStmt.get()?.n ?? 0;
  }

  /** Open rollouts whose time to live ended at or before `now`. */
  listExpired(now: number): RolloutRecord[] {
    return this.openStmt.all(now).map(toRecord);
  }
}
