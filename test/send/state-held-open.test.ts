import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSuppression, openExistingStateDb, openStateDb, type StateDb } from '../../src/send/store.js';
import { readIssueStatus } from '../../src/state/issue-status.js';
import { readStoredSubscribers } from '../../src/store/open.js';
import { noteFileFieldsAt } from '../../src/store/open-location.js';

/**
 * A process holding the state file open through SQLite (a send, each wave of a scheduled send, a
 * program using the library) that opened it a second time (to note the subscribers file's fields,
 * to load the stored readers, to read a status) ran the byte-level checks of the file, its log and
 * its index, whose closing dropped every lock SQLite held on them in this process. Another command
 * closing the file then took itself for the last user, copied the log in and deleted it, and what
 * this process wrote after went to a deleted log: another process never read it. Each side of the
 * file is read here by processes of their own.
 */

const require = createRequire(import.meta.url);
const driver = require.resolve('better-sqlite3');

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

/** Runs `body` with `db` (the state file, opened by a process of its own) and prints what it returns as JSON. */
function inOtherProcess(body: string): unknown {
  const script = `
    const Database = require(${JSON.stringify(driver)});
    const db = new Database(${JSON.stringify(file)}, { fileMustExist: true });
    const result = (() => { ${body} })();
    db.close();
    process.stdout.write(JSON.stringify(result ?? null));
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout);
}

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
        `db.prepare("INSERT INTO suppressions (email, reason, source, created_at) VALUES ('zoe.hartmann@example.net', 'unsubscribe', 'import', '2026-12-01T10:00:00Z')").run();`,
      );
      addSuppression(db, 'li.wei@example.org', { reason: 'unsubscribe', source: 'serve' });
      const seen = inOtherProcess(`return db.prepare('SELECT email FROM suppressions ORDER BY email').pluck().all();`);
      expect(seen).toEqual(['li.wei@example.org', 'priya.raman@example.com', 'zoe.hartmann@example.net']);
    },
  );
});
