import type Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { markEveryWrite, marksPending, retryMarks } from '../../src/state/sqlite/generation.js';
import { marksKeptOutByLock, stateWithoutMarks, useStateFile } from './_marks.js';

/**
 * A connection that found the state file locked as it went to add the marks (see generation.ts)
 * looks for them again before each of its writes until they are in. When another command added them
 * meanwhile, that look found nothing to add and still left the connection waiting for them: serve
 * then read the file's schema before every reader's change and every click for the rest of its life.
 * Counted here as the schema reads the connection makes, on a real file with a real lock.
 */

const state = useStateFile();

beforeEach(() => stateWithoutMarks(state.file));

/** A connection like serve's that could not add the marks, the file locked; its schema reads counted. */
function leftWithoutMarks(): { db: Database.Database; scans: () => number } {
  const db = state.connect();
  let scans = 0;
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    if (sql.includes('sqlite_master')) scans++;
    return prepare(sql);
  }) as typeof db.prepare;
  marksKeptOutByLock(db, state.connect());
  return { db, scans: () => scans };
}

describe('marks a locked file kept out, looked for again before each write', () => {
  it('stops looking once another command has added them', () => {
    const { db, scans } = leftWithoutMarks();
    markEveryWrite(state.connect());
    const before = scans();
    for (let write = 0; write < 20; write++) retryMarks(db);
    expect(marksPending(db)).toBe(false);
    expect(scans() - before).toBe(1);
  });

  it('adds them itself at the next write once the lock is gone, then stops looking', () => {
    const { db, scans } = leftWithoutMarks();
    const before = scans();
    for (let write = 0; write < 20; write++) retryMarks(db);
    expect(marksPending(db)).toBe(false);
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('state_generation')).toEqual(
      expect.arrayContaining(['log_mark', 'log_base']),
    );
    // The look that found them missing and the one inside the transaction that adds them.
    expect(scans() - before).toBe(2);
  });
});
