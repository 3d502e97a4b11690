import { CallStore } from './call-store.ts';
import { openDatabase, type SqliteDatabase } from './open-database.ts';
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
  const db = openDatabase(path);
  return {
    db,
    rollouts: new RolloutStore(db),
    calls: new CallStore(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}
