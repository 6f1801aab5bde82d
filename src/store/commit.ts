import type Database from 'better-sqlite3';

/**
 * Awaits `work` inside a transaction the caller has begun: COMMIT when it settles, ROLLBACK (if
 * the transaction is still open) when it throws. The SQLite stores share this around their own BEGIN.
 */
export async function commitOrRollback<T>(
  db: Pick<Database.Database, 'exec' | 'inTransaction'>,
  work: () => Promise<T>,
): Promise<T> {
  try {
    const result = await work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
