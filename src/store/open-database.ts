import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export type SqliteDatabase = Database.Database;

/**
 * Durability policy: WAL with synchronous=NORMAL. Every call is committed in its own
 * transaction before the client gets the end of its answer, so a committed call survives a
 * crash or SIGKILL of the process (not a power loss of the host, which NORMAL trades for speed).
 */
export function openDatabase(path: string): SqliteDatabase {
  createPrivately(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Checkpoints run on a timer (see checkpointWal), not inside a commit; this is a backstop.
  db.pragma('wal_autocheckpoint = 16384');
  migrate(db);
  return db;
}

/**
 * A new database file is created readable by its owner only (0600): it holds every prompt and
 * answer of every rollout. SQLite gives its -wal and -shm files the database file's mode. An
 * existing file keeps the mode it has.
 */
function createPrivately(path: string): void {
  if (path === ':memory:' || path === '' || path.startsWith('file:')) return;
  closeSync(openSync(path, 'a', 0o600));
}

export function migrate(db: SqliteDatabase): void {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this rollcall (${MIGRATIONS.length}); upgrade rollcall`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    const sql = MIGRATIONS[version] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}

/** Moves committed WAL pages into the database file without waiting for readers. */
export function checkpointWal(db: SqliteDatabase): void {
  db.pragma('wal_checkpoint(PASSIVE)');
}
