import { CallStore } from './call-store.ts';
import { openDatabase, openDatabaseReadOnly, type SqliteDatabase } from './open-database.ts';
import { RolloutStore } from './rollout-store.ts';

/** The trajectory database: rollouts and their calls, in one SQLite file. */
export type Store = {
  readonly db: SqliteDatabase;
  readonly rollouts: RolloutStore;
  readonly calls: CallStore;
  close(): void;
};

/** Opens (creating and migrating as needed) the store at `path`; `:memory:` for tests. */
export function openStore(path: string): Store {
  return storeOver(openDatabase(path));
}

/** Opens an existing store for reading only (see `openDatabaseReadOnly`); its writes fail. */
export function openStoreReadOnly(path: string): Store {
  return storeOver(openDatabaseReadOnly(path));
}

function storeOver(db: SqliteDatabase): Store {
  return {
    db,
    rollouts: new RolloutStore(db),
    calls: new CallStore(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}
