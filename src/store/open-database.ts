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
 * Opens an existing database for reading only (the log view): no migration and no pragma that
 * writes, so a viewer never changes a run's data. SQLite lets a read-only connection share the
 * WAL of a writer in another process, so it sees every call as soon as it is committed.
 */
export function openDatabaseReadOnly(path: string): SqliteDatabase {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version !== MIGRATIONS.length) {
    db.close();
    const relation = version > MIGRATIONS.length ? 'newer than this rollcall; upgrade rollcall' : 'older than this rollcall; open it once with rollcall serve to migrate it';
    throw new Error(`database ${path}: schema version ${version} is ${relation} (this rollcall reads version ${MIGRATIONS.length})`);
  }
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
