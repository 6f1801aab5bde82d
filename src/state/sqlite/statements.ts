import type Database from 'better-sqlite3';
import type { StateDb } from '../../send/store.js';

type Statement = Database.Statement<unknown[]>;

/**
 * One prepared statement per database and SQL text, prepared at its first use. Preparing costs as
 * much as running a small query: a webhook batch of 5,000 events checked, read and wrote each
 * reader several times over, preparing every statement afresh each time. A statement is kept as
 * long as its database: a closed one is never asked again, and its entry goes with it.
 */
const PREPARED = new WeakMap<StateDb, Map<string, Statement>>();

export function prepared(db: StateDb, sql: string): Statement {
  let statements = PREPARED.get(db);
  if (!statements) {
    statements = new Map();
    PREPARED.set(db, statements);
  }
  let statement = statements.get(sql);
  if (!statement) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
