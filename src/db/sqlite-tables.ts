import type Database from 'better-sqlite3';

/** True when the SQLite database has the table: some are made only on first use, and a read-only file may lack them. */
export function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** True when the table has the column: added by a later release, a file an earlier one wrote lacks it. */
export function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).includes(column);
}
