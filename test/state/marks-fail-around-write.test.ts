import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { stateSuppressionList } from '../../src/serve/suppressions.js';
import { logMarkFailures, marksPending } from '../../src/state/sqlite/generation.js';
import { settlingAfterEach } from '../../src/state/sqlite/settle.js';
import { marksKeptOutByLock, stateWithoutMarks, useStateFile } from './_marks.js';

/**
 * serve marks the state file's id row around each write (see generation.ts): the marks a locked
 * file kept out before it, how far the file had got after it. A failure there other than a lock (a
 * full disk, an I/O error) was thrown in place of the write's own result: an unsubscribe recorded
 * was answered as failed, and one whose marks went first was neither recorded nor journaled. The
 * write now stands and serve's log says once that the marks could not be written. Real files and
 * locks; the disk's failure is the connection's statement made to fail with SQLite's own error, at
 * the statement the mark runs, which a really full disk does not reach reliably.
 */

const state = useStateFile();

const ONE_CLICK = { reason: 'unsubscribe', source: 'one-click' } as const;
const full = () => new Database.SqliteError('database or disk is full', 'SQLITE_FULL');

function suppressed(email: string): boolean {
  const db = new Database(state.file, { readonly: true });
  try {
    return db.prepare('SELECT 1 FROM suppressions WHERE email = ?').get(email) !== undefined;
  } finally {
    db.close();
  }
}

function told(db: Database.Database): string[] {
  const lines: string[] = [];
  logMarkFailures(db, (line) => lines.push(line));
  return lines;
}

describe('a mark that fails around an unsubscribe', () => {
  it('after it: the unsubscribe is answered as recorded, and the failure logged once', async () => {
    const db = openStateDb(state.file);
    state.closeAfter(db);
    const lines = told(db);
    const suppressions = settlingAfterEach(db, stateSuppressionList(db));
    const pragma = db.pragma.bind(db);
    db.pragma = ((source: string, options?: Database.PragmaOptions) => {
      if (source.startsWith('wal_checkpoint')) throw full();
      return pragma(source, options);
    }) as typeof db.pragma;

    await expect(suppressions.add('ada@example.com', ONE_CLICK)).resolves.toBe('added');
    await expect(suppressions.add('grace@example.com', ONE_CLICK)).resolves.toBe('added');
    expect(suppressed('ada@example.com')).toBe(true);
    expect(suppressed('grace@example.com')).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`the state file ${db.name} could not be written (database or disk is full)`);
    expect(lines[0]).toContain('free space on its disk');
  });

  it('before it (marks kept out by a lock at start): the unsubscribe is still recorded', async () => {
    stateWithoutMarks(state.file);
    const db = state.connect();
    marksKeptOutByLock(db, state.connect());

    const lines = told(db);
    const exec = db.exec.bind(db);
    db.exec = ((source: string) => {
      if (source.startsWith('ALTER TABLE')) throw full();
      return exec(source);
    }) as typeof db.exec;
    const suppressions = settlingAfterEach(db, stateSuppressionList(db));

    await expect(suppressions.add('ada@example.com', ONE_CLICK)).resolves.toBe('added');
    await expect(suppressions.add('grace@example.com', ONE_CLICK)).resolves.toBe('added');
    expect(suppressed('ada@example.com')).toBe(true);
    expect(suppressed('grace@example.com')).toBe(true);
    expect(lines).toHaveLength(1);
    // Still owed: tried again before the next write, once the disk takes them.
    expect(marksPending(db)).toBe(true);
    db.exec = exec;
    await expect(suppressions.add('alan@example.com', ONE_CLICK)).resolves.toBe('added');
    expect(marksPending(db)).toBe(false);
  });
});
