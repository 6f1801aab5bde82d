import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { openServeBackend } from '../../src/serve/backend.js';
import { openState } from '../../src/state/open.js';

/**
 * SQLite deletes the write-ahead log at the state file's path when its last connection to a file
 * closes. A command whose file was replaced under it is the last on the file it opened, so its
 * close deleted the log of the file now at the path: what a command using that file had recorded
 * there (a send killed before it could copy it into the file) was lost, and those readers mailed again.
 */

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-close-replaced-'));
  file = join(dir, 'state.db');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const NOW = new Date('2026-12-05T09:00:00Z');

/** Another state file put in place of the one open, and a send on it that holds a record in its log. */
async function replacedAndWritten(): Promise<{ other: Awaited<ReturnType<typeof openState>> }> {
  const next = join(dir, 'next.db');
  openStateDb(next).close();
  // As the README's restore says: the log and index of the file replaced deleted, the other moved in.
  for (const log of [`${file}-wal`, `${file}-shm`]) rmSync(log, { force: true });
  renameSync(next, file);
  const other = await openState({ kind: 'sqlite', file });
  await other
    .ledger('2026-12-05', 'smtp', () => NOW)
    .recordMany([
      {
        email: 'ada@example.com',
        variantId: 'v1',
        status: 'sent',
        messageId: '<a@x>',
        responseCode: 250,
        response: '250 ok',
        attempts: 1,
      },
    ]);
  expect(existsSync(`${file}-wal`)).toBe(true);
  return { other };
}

function recordedAtPath(): number {
  const reader = new Database(file, { readonly: true });
  try {
    return reader.prepare('SELECT COUNT(*) FROM deliveries').pluck().get() as number;
  } finally {
    reader.close();
  }
}

describe('closing a state file replaced under the command', () => {
  it('a send leaves the log of the file now at the path where it is', async () => {
    const first = await openState({ kind: 'sqlite', file });
    const { other } = await replacedAndWritten();
    // What it recorded goes beside the file now there, and the close says so.
    await expect(first.close()).rejects.toThrow(/replaced by another file while the send ran: .*state\.db\.rescued-/);
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(recordedAtPath()).toBe(1);
    await other.close();
    expect(recordedAtPath()).toBe(1);
  });

  it('serve leaves it too', async () => {
    openStateDb(file).close();
    const serve = await openServeBackend({ kind: 'sqlite', file }, { secret: 'x'.repeat(32) });
    const { other } = await replacedAndWritten();
    await serve.close();
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(recordedAtPath()).toBe(1);
    await other.close();
  });
});
