import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/state/contract.js';
import { openState } from '../../src/state/open.js';

/**
 * The state file's `-wal` and `-shm` deleted while a send waits (a retry minutes away, a rate limit,
 * the next wave) and writes nothing: it noticed only at its next ledger write, so a kill before
 * then lost every record since SQLite's last checkpoint, and the next send, finding neither log nor
 * index, mailed those readers again. The check a send makes every second (asking the suppression
 * list again) now notices too, and copies the records into the file at the path at once. The file
 * is read by another process, as the next send would read it after a kill.
 */

const require = createRequire(import.meta.url);
const driver = require.resolve('better-sqlite3');
const READERS = ['priya.raman@example.com', 'zoe.hartmann@example.net'];

let dir: string;
let file: string;
let store: StateStore | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-log-idle-'));
  file = join(dir, 'state.db');
});

afterEach(async () => {
  await store?.close().catch(() => {});
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** The readers recorded as sent in the file at the path, read by a process of its own, as the next send would after a kill. */
function sentInFileAtPath(): string[] {
  const script = `
    const Database = require(${JSON.stringify(driver)});
    const db = new Database(${JSON.stringify(file)}, { fileMustExist: true, readonly: ${!existsSync(`${file}-shm`)} });
    process.stdout.write(JSON.stringify(db.prepare("SELECT email FROM deliveries WHERE status = 'sent' ORDER BY email").pluck().all()));
    db.close();
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as string[];
}

async function sendRecorded(deleted: string[]): Promise<StateStore> {
  // A state file from earlier commands, its tables in the file.
  await (await openState({ kind: 'sqlite', file })).close();
  const opened = await openState({ kind: 'sqlite', file });
  const ledger = opened.ledger('2026-W48', 'smtp', () => new Date('2026-12-01T10:00:00Z'));
  await ledger.startRun(READERS.length);
  await ledger.recordMany(
    READERS.map((email) => ({
      email,
      variantId: 'cto',
      status: 'sent' as const,
      messageId: `<${email}>`,
      attempts: 1,
      responseCode: 250,
      response: '250 ok',
    })),
  );
  for (const suffix of deleted) rmSync(`${file}${suffix}`);
  return opened;
}

describe("a send's log deleted while it waits", () => {
  it.each([
    ['the log and its index', ['-wal', '-shm']],
    ['the log alone', ['-wal']],
  ])('%s: the next check copies its records into the file at the path', async (_name, deleted) => {
    store = await sendRecorded(deleted);

    // What the send does every second while it waits.
    await expect(store.suppressions.applyJournal()).rejects.toThrow(
      /was deleted while the send ran: the send stopped, and what it recorded is in .*state\.db$/,
    );
    expect(sentInFileAtPath()).toEqual(READERS);
  });
});
