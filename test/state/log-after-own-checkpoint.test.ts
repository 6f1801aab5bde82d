import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openBounceStoreAt } from '../../src/bounces/open.js';
import { openStateDb } from '../../src/send/store.js';
import { openState } from '../../src/state/open.js';

/**
 * A long send's log is copied into the file by a checkpoint every few tens of MB and then starts
 * afresh. A copy of the file taken mid-send (a nightly `cp`), put back after a later checkpoint
 * beside the log the send left when it was killed, read as the file that log was written after:
 * the readers recorded between the two checkpoints read as never sent, and were mailed again.
 */

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'rolecast-own-checkpoint-'));
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

const NOW = new Date('2026-12-05T09:00:00Z');
/** More than two logs' worth of writes, whichever checkpoint (the send's or SQLite's) starts them afresh. */
const MOST_WRITES = 60_000;

function countIn(file: string, sql: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

const sentIn = (file: string) => countIn(file, "SELECT COUNT(*) FROM deliveries WHERE status = 'sent'");
const suppressedIn = (file: string) => countIn(file, 'SELECT COUNT(*) FROM suppressions');

function sentRow(n: number) {
  return {
    email: `reader${n}@example.test`,
    variantId: 'v1',
    status: 'sent' as const,
    messageId: `<${n}@x>`,
    responseCode: 250,
    response: '250 ok',
    attempts: 1,
  };
}

/** The log's checkpoint sequence (https://www.sqlite.org/fileformat2.html#walformat): one more each time it starts afresh. */
function logSequence(wal: string): number {
  const fd = openSync(wal, 'r');
  try {
    const header = Buffer.alloc(16);
    return readSync(fd, header, 0, 16, 0) === 16 ? header.readUInt32BE(12) : -1;
  } finally {
    closeSync(fd);
  }
}

/** A folder holding `file` with `wal` beside it, as a send killed with that log leaves it. */
function folderOf(name: string, file: string, wal: string): string {
  const folder = join(root, name);
  mkdirSync(folder);
  copyFileSync(file, join(folder, 'state.db'));
  copyFileSync(wal, join(folder, 'state.db-wal'));
  return join(folder, 'state.db');
}

describe('a copy of the state file taken mid-send, between two checkpoints of its log', () => {
  // One row a write, as a send at a slow pace records them, and full batches, as a fast one does.
  it.each([1, 100])(
    'put back beside the log the send left after a later checkpoint is refused as older than its log (%i row(s) a write)',
    async (rowsPerWrite) => {
      const file = join(root, 'live', 'state.db');
      const state = await openState({ kind: 'sqlite', file });
      const ledger = state.ledger('2026-12-05', 'smtp', () => NOW);
      let sequence = -1;
      let restarts = 0;
      let written = 0;
      let copiedAt = 0;
      const earlier = join(root, 'earlier.db');
      // One message recorded at a time, as a send records them; the log starts afresh after each checkpoint.
      while (restarts < 2 && written < MOST_WRITES) {
        await ledger.recordMany(Array.from({ length: rowsPerWrite }, (_, at) => sentRow(written + at)));
        written += rowsPerWrite;
        const now = logSequence(`${file}-wal`);
        if (sequence >= 0 && now !== sequence && ++restarts === 1) {
          copyFileSync(file, earlier);
          copiedAt = written;
        }
        sequence = now;
      }
      expect(restarts).toBe(2);
      for (let more = 0; more < 10; more++, written++) await ledger.recordMany([sentRow(written)]);
      // Killed here: the log stays as it is. The file as it is now, with it, holds every record.
      const wal = join(root, 'left.db-wal');
      copyFileSync(`${file}-wal`, wal);
      const whole = folderOf('whole', file, wal);
      const kept = openStateDb(whole);
      kept.close();
      expect(sentIn(whole)).toBe(written);

      const restored = folderOf('restored', earlier, wal);
      expect(() => openStateDb(restored)).toThrow(
        `the state file ${restored} is older than its write-ahead log ${join(root, 'restored', 'state.db-wal')}`,
      );
      expect(sentIn(earlier)).toBeLessThan(written);
      expect(copiedAt).toBeGreaterThan(0);
      await state.close();
    },
  );
});

function hardBounce(n: number) {
  const at = NOW.toISOString();
  return {
    eventId: `<bounce${n}@mx.example.test>`,
    issueId: '2026-12-05',
    // Spread over the address index, as a mailbox's bounces are: each batch rewrites many of its pages.
    email: `reader${(n * 7919) % 1_000_003}@example.test`,
    kind: 'hard' as const,
    status: '5.1.1',
    diagnostic: '550 5.1.1 no such user',
    source: 'import:bounces',
    outcome: 'suppressed' as const,
    occurredAt: at,
    recordedAt: at,
  };
}

describe('a copy of the state file taken during `bounces import` of many mails, between two checkpoints of its log', () => {
  it('put back beside the log the import left after a later checkpoint is refused as older than its log', async () => {
    const file = join(root, 'live', 'state.db');
    // Opened as `bounces import` opens it; each batch of mails is one transaction, as importBounces writes them.
    const opened = (await openBounceStoreAt({ kind: 'sqlite', file }))!;
    const store = opened.store;
    let sequence = -1;
    let restarts = 0;
    let written = 0;
    const earlier = join(root, 'earlier.db');
    const batch = async (size: number) =>
      store.transaction(async () => {
        for (let at = 0; at < size; at++, written++) {
          const bounce = hardBounce(written);
          await store.insertEvent(bounce);
          await store.suppress(bounce.email, { reason: 'hard-bounce', source: bounce.source, at: bounce.recordedAt });
        }
      });
    while (restarts < 2 && written < MOST_WRITES) {
      await batch(500);
      const now = logSequence(`${file}-wal`);
      if (sequence >= 0 && now !== sequence && ++restarts === 1) copyFileSync(file, earlier);
      sequence = now;
    }
    expect(restarts).toBe(2);
    await batch(10);
    // Killed here: the log stays as it is. The file as it is now, with it, holds every suppression.
    const wal = join(root, 'left.db-wal');
    copyFileSync(`${file}-wal`, wal);
    const whole = folderOf('whole', file, wal);
    openStateDb(whole).close();
    expect(suppressedIn(whole)).toBe(written);

    const restored = folderOf('restored', earlier, wal);
    expect(() => openStateDb(restored)).toThrow(
      `the state file ${restored} is older than its write-ahead log ${join(root, 'restored', 'state.db-wal')}`,
    );
    expect(suppressedIn(earlier)).toBeLessThan(written);
    await opened.close();
  });
});
