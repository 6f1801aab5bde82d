import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSuppression, openExistingStateDb, openStateDb, type StateDb } from '../../src/send/store.js';
import { readIssueStatus } from '../../src/state/issue-status.js';
import { readStoredSubscribers } from '../../src/store/open.js';
import { noteFileFieldsAt } from '../../src/store/open-location.js';
import { inOtherProcess } from '../helpers/state-db.js';

/**
 * A process holding the state file open through SQLite (a send, each wave of a scheduled send, a
 * program using the library) that opened it a second time (to note the subscribers file's fields,
 * to load the stored readers, to read a status) ran the byte-level checks of the file, its log and
 * its index, whose closing dropped every lock SQLite held on them in this process. Another command
 * closing the file then took itself for the last user, copied the log in and deleted it, and what
 * this process wrote after went to a deleted log: another process never read it. Each side of the
 * file is read here by processes of their own.
 */

let dir: string;
let file: string;
let db: StateDb | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-held-open-'));
  file = join(dir, 'state.db');
});

afterEach(() => {
  db?.close();
  db = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const location = () => ({ kind: 'sqlite' as const, file });

const secondLooks: [string, () => Promise<unknown>][] = [
  ['a send noting the subscribers file fields', () => noteFileFieldsAt(location(), [], new Date(), () => {})],
  ['a wave loading the stored readers', () => readStoredSubscribers(file)],
  [
    'a light read of the suppression list, as the preview makes',
    async () => openExistingStateDb(file, 'light')?.close(),
  ],
  ['a status read of the issue', () => readIssueStatus(location(), '2026-W48')],
];

describe('a second open of a state file this process holds open', () => {
  it.each(secondLooks)(
    '%s leaves its locks, so a write after another command closes the file is read by the next',
    async (_, look) => {
      db = openStateDb(file);
      addSuppression(db, 'priya.raman@example.com', { reason: 'unsubscribe', source: 'serve' });
      await look();
      // Another command (an import, a suppress add) writes and closes while this process holds the file.
      inOtherProcess(
        file,
        `db.prepare("INSERT INTO suppressions (email, reason, source, created_at) VALUES ('zoe.hartmann@example.net', 'unsubscribe', 'import', '2026-12-01T10:00:00Z')").run();`,
      );
      addSuppression(db, 'li.wei@example.org', { reason: 'unsubscribe', source: 'serve' });
      const seen = inOtherProcess(
        file,
        `return db.prepare('SELECT email FROM suppressions ORDER BY email').pluck().all();`,
      );
      expect(seen).toEqual(['li.wei@example.org', 'priya.raman@example.com', 'zoe.hartmann@example.net']);
    },
  );
});
