import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { RolecastError } from '../../src/errors.js';
import { openLedger } from '../../src/send/ledger.js';
import { APPLICATION_ID, stateFileError, stateUseError } from '../../src/send/state-file.js';
import { openExistingStateDb, openStateDb, readSuppressionChecker } from '../../src/send/store.js';
import { walDamageIn } from '../../src/send/wal-check.js';
import { readGeneration } from '../../src/state/sqlite/generation.js';
import { outsideNoteOf } from '../../src/state/sqlite/outside-note.js';
import { DAMAGED_MESSAGE, DAMAGES, damageStateFile, realStateFile } from './_damage.js';

/** A state file that cannot be trusted is refused, never repaired or read as "nothing sent". */

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function refusal(open: () => unknown): RolecastError {
  try {
    open();
  } catch (error) {
    if (error instanceof RolecastError) return error;
    throw error;
  }
  throw new Error('the state file was accepted');
}

describe('a damaged state file', () => {
  it.each(DAMAGES)('%s: refused for writing and for reading, with one message, and left as it was', (damage) => {
    const file = join(dir, 'state.db');
    damageStateFile(file, damage);
    const before = statSync(file).isFile() ? readFileSync(file) : undefined;
    for (const open of [() => openStateDb(file), () => openExistingStateDb(file)]) {
      const error = refusal(open);
      expect(error.code).toBe('E_STATE_DAMAGED');
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain(`the state file ${file} is damaged: `);
      expect(error.message).toMatch(DAMAGED_MESSAGE);
    }
    if (before) expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('names what is wrong', () => {
    const cases: [Parameters<typeof damageStateFile>[1], RegExp][] = [
      ['random bytes', /not a database/],
      ['truncated copy', /malformed|integrity check/],
      ['directory in its place', /it is a directory/],
      ['another application (other tables)', /not a rolecast state file .*notes/],
      ['another application (application_id)', /another application \(application_id 0x000004d2\)/],
      ['deliveries with other columns', /table deliveries lacks the column\(s\) issue_id/],
      ['unknown delivery status', /CHECK constraint failed in deliveries|table deliveries holds 1 row/],
      ['NULL suppression key', /table suppressions holds 1 row/],
      ['NULL delivery key', /table deliveries holds 1 row/],
    ];
    for (const [damage, reason] of cases) {
      const file = join(dir, `${damage.replace(/\W+/g, '-')}.db`);
      damageStateFile(file, damage);
      expect(refusal(() => openStateDb(file)).message, damage).toMatch(reason);
    }
  });
});

describe('a state file that is sound but cannot be used now', () => {
  it('from a newer release (a schema past this one) is refused for reading and writing, and left as it was', () => {
    const file = join(dir, 'state.db');
    openStateDb(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.exec('CREATE TABLE future_records (x)');
    raw.close();
    const before = readFileSync(file);
    for (const open of [() => openStateDb(file), () => openExistingStateDb(file)]) {
      const error = refusal(open);
      expect(error.code).toBe('E_STATE_NEWER');
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(
        /written by a newer release of rolecast \(schema 99; this release knows up to \d+\)/,
      );
    }
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  // A newer release may write what this one never does: refused as newer, not as damaged (whose
  // advice, to move it aside, would mail every reader it records as sent again).
  it.each(Object.keys(NEWER_WRITES))('from a newer release holding %s is refused as newer, not as damaged', (what) => {
    const file = join(dir, 'state.db');
    openStateDb(file).close();
    NEWER_WRITES[what]!(file);
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    const before = readFileSync(file);
    for (const open of [
      () => openStateDb(file),
      () => openExistingStateDb(file),
      () => openExistingStateDb(file, 'light'),
    ]) {
      const error = refusal(open);
      expect(error.code).toBe('E_STATE_NEWER');
      expect(error.message).toContain('was written by a newer release of rolecast (schema 99');
      expect(error.hint).not.toContain('aside');
    }
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('that cannot be opened for writing is not called damaged, nor to be moved aside', () => {
    const file = join(dir, 'state.db');
    openStateDb(file).close();
    const cantOpen = Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' });
    const error = stateFileError(file, cantOpen);
    expect(error.code).toBe('E_INVALID');
    expect(error.message).not.toContain('damaged');
    expect(error.hint).toContain('do not move it aside');
  });

  it('locked by another program past the wait stops the run as a write would, exit 3, naming the lock', () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const error = stateUseError(join(dir, 'state.db'), busy) as RolecastError;
    expect(error).toBeInstanceOf(RolecastError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('is locked by another program');
  });
});

/** What a newer release might write into the file, each its own way of holding what this one never writes. */
const NEWER_WRITES: Record<string, (file: string) => void> = {
  'a delivery status this release does not know': (file) => {
    // As a newer release's own table would have it: the same table with a wider CHECK.
    const raw = new Database(file);
    raw.unsafeMode(true);
    raw.pragma('writable_schema = ON');
    raw
      .prepare("UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE name = 'deliveries'")
      .run("'deferred')", "'deferred', 'queued')");
    raw.close();
    const wider = new Database(file);
    wider
      .prepare(
        "INSERT INTO deliveries (issue_id, channel, email, variant_id, status, attempts, updated_at) VALUES ('2026-W48', 'smtp', 'a@example.test', 'v1', 'queued', 0, '2026-12-01T00:00:00Z')",
      )
      .run();
    wider.close();
  },
  'suppressions without a column this release reads': (file) => {
    const raw = new Database(file);
    raw.exec('ALTER TABLE suppressions DROP COLUMN reason');
    raw.close();
  },
  // Marked as rolecast's, so no other application's: its tables are the newer release's to name.
  'its ledger under another name': (file) => {
    const raw = new Database(file);
    raw.exec('ALTER TABLE deliveries RENAME TO ledger');
    raw.close();
  },
  'its tables under other names only': (file) => {
    const raw = new Database(file);
    const tables = raw
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    for (const table of tables) raw.exec(`ALTER TABLE "${table}" RENAME TO "v99_${table}"`);
    raw.close();
  },
};

/** How many frames the log's current generation holds: those with the salts of its header, from the start. */
function currentFrames(log: Buffer): number {
  const frameSize = 24 + log.readUInt32BE(8);
  const salt = log.subarray(16, 24);
  let frames = 0;
  while (32 + (frames + 1) * frameSize <= log.length) {
    const at = 32 + frames * frameSize;
    if (!log.subarray(at + 8, at + 16).equals(salt)) break;
    frames++;
  }
  return frames;
}

describe('a write-ahead log SQLite would cut short', () => {
  /** A state file left by a process killed mid-send: 200 ledger rows, all still in the log. */
  function crashedState(): { file: string; rows: number } {
    const live = join(dir, 'live.db');
    const db = openStateDb(live);
    db.pragma('wal_autocheckpoint = 0');
    const ledger = openLedger(db, '2026-W48', 'smtp');
    for (let i = 0; i < 200; i++)
      ledger.record({
        email: `reader${i}@example.com`,
        variantId: 'v',
        status: 'sent',
        messageId: null,
        responseCode: 250,
        response: '250 ok',
        attempts: 1,
      });
    const file = join(dir, 'state.db');
    writeFileSync(file, readFileSync(live));
    writeFileSync(`${file}-wal`, readFileSync(`${live}-wal`));
    db.close();
    return { file, rows: 200 };
  }

  it('is refused when a bad frame has later ones after it, before SQLite reads it, and left as it was', () => {
    const { file } = crashedState();
    const log = readFileSync(`${file}-wal`);
    const middle = Math.floor(log.length / 2);
    log.fill(0x41, middle, middle + 64);
    writeFileSync(`${file}-wal`, log);
    for (const open of [() => openStateDb(file), () => openExistingStateDb(file)]) {
      const error = refusal(open);
      expect(error.code).toBe('E_STATE_DAMAGED');
      expect(error.message).toMatch(/write-ahead log .* has a bad frame \(\d+\) followed by \d+ more/);
    }
    expect(readFileSync(`${file}-wal`).equals(log)).toBe(true);
    // What SQLite itself would have made of it: half the records gone, with no error.
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare('SELECT COUNT(*) FROM deliveries').pluck().get()).toBeLessThan(200);
    raw.close();
  });

  it('is refused through a symbolic link to the state file, whose log lies beside the file it points to', () => {
    const { file } = crashedState();
    const log = readFileSync(`${file}-wal`);
    const middle = Math.floor(log.length / 2);
    log.fill(0x41, middle, middle + 64);
    writeFileSync(`${file}-wal`, log);
    const link = join(dir, 'elsewhere', 'state.db');
    mkdirSync(dirname(link));
    symlinkSync(file, link);
    for (const open of [() => openStateDb(link), () => openExistingStateDb(link)]) {
      const error = refusal(open);
      expect(error.code).toBe('E_STATE_DAMAGED');
      expect(error.message).toContain(`${file}-wal has a bad frame`);
    }
  });

  it('is accepted when no commit follows the bad frame: the rest of a transaction a full disk refused', () => {
    const { file } = crashedState();
    const db = openStateDb(file);
    db.pragma('wal_autocheckpoint = 0');
    const before = db.prepare('SELECT COUNT(*) FROM deliveries').pluck().get();
    // One transaction of many pages: its frames, then its commit frame, end the log.
    // The open may have started the log afresh (to record how far the file got), over older frames.
    const framesBefore = currentFrames(readFileSync(`${file}-wal`));
    const insert = db.prepare("INSERT INTO suppressions (email, created_at) VALUES (?, 'now')");
    // How far the file was written, as noted beside it before the transaction: one a full disk
    // refused is never noted.
    const note = readFileSync(`${file}.generation`);
    const outsideNote = outsideNoteOf(file, readGeneration(db)!.id)!;
    const outside = readFileSync(outsideNote);
    db.transaction(() => {
      for (let i = 0; i < 3000; i++) insert.run(`gone${i}-${'x'.repeat(60)}@example.com`);
    })();
    const log = readFileSync(`${file}-wal`);
    // The file as the process left it, the transaction in its log only (closing copies the log in).
    const pages = readFileSync(file);
    db.close();
    writeFileSync(file, pages);
    writeFileSync(`${file}.generation`, note);
    writeFileSync(outsideNote, outside);
    const pageSize = log.readUInt32BE(8);
    const frameSize = 24 + pageSize;
    const first = framesBefore;
    const frames = currentFrames(log);
    expect(frames - first).toBeGreaterThan(3);
    const commitOf = (i: number) => log.readUInt32BE(32 + i * frameSize + 4);
    expect(commitOf(frames - 1)).not.toBe(0);
    for (let i = first; i < frames - 1; i++) expect(commitOf(i)).toBe(0);
    // The log as a write refused half-way leaves it: the transaction's first frame torn, the rest
    // of its frames after it, and no commit frame.
    const torn = Buffer.from(log.subarray(0, 32 + (frames - 1) * frameSize));
    torn.fill(0x41, 32 + first * frameSize + 100, 32 + first * frameSize + 164);
    writeFileSync(`${file}-wal`, torn);
    expect(walDamageIn(torn)).toBeUndefined();
    const reopened = openStateDb(file);
    expect(reopened.prepare('SELECT COUNT(*) FROM deliveries').pluck().get()).toBe(before);
    expect(reopened.prepare('SELECT COUNT(*) FROM suppressions').pluck().get()).toBe(0);
    reopened.close();
  });

  it('is accepted with a torn last frame (a crash while appending), and with stale frames of an older log', () => {
    const { file, rows } = crashedState();
    const log = readFileSync(`${file}-wal`);
    writeFileSync(`${file}-wal`, log.subarray(0, log.length - 100));
    const db = openStateDb(file);
    expect(db.prepare('SELECT COUNT(*) FROM deliveries').pluck().get()).toBeGreaterThanOrEqual(rows - 1);
    db.close();
    // A log restarted after a checkpoint: a few frames of the new generation, the old ones after them.
    const reused = Buffer.from(log);
    const fresh = crashedState();
    const db2 = openStateDb(fresh.file);
    db2.pragma('wal_checkpoint(RESTART)');
    db2.prepare("INSERT INTO suppressions (email, created_at) VALUES ('a@example.com', 'now')").run();
    const restarted = readFileSync(`${fresh.file}-wal`);
    db2.close();
    expect(walDamageIn(Buffer.concat([restarted, reused.subarray(restarted.length)]))).toBeUndefined();
  });
});

describe('the suppression list as build and preview read it', () => {
  it.each(['random bytes', 'another application (other tables)', 'NULL suppression key'] as const)(
    '%s: refused with the same message',
    (damage) => {
      const file = join(dir, 'state.db');
      damageStateFile(file, damage);
      const error = refusal(() => readSuppressionChecker({} as ResolvedConfig, file));
      expect(error.code).toBe('E_STATE_DAMAGED');
      expect(error.message).toMatch(DAMAGED_MESSAGE);
    },
  );
});

describe('state files that are fine', () => {
  it('a new state file is marked as rolecast’s', () => {
    const file = join(dir, 'state.db');
    openStateDb(file).close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    db.close();
  });

  it('an existing state file from before the mark is accepted with its records, and marked', () => {
    const file = join(dir, 'state.db');
    realStateFile(file, 5);
    const old = new Database(file);
    old.pragma('application_id = 0');
    old.close();
    const readOnly = openExistingStateDb(file)!;
    expect(openLedger(readOnly, '2026-W48', 'outbox').recorded().size).toBe(5);
    readOnly.close();
    const db = openStateDb(file);
    expect(db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    expect(openLedger(db, '2026-W48', 'outbox').recorded().size).toBe(5);
    db.close();
  });

  it('a zero-length file is an empty state (the send warns when the outbox says otherwise)', () => {
    const file = join(dir, 'state.db');
    writeFileSync(file, '');
    expect(openExistingStateDb(file)).toBeUndefined();
    const db = openStateDb(file);
    expect(openLedger(db, '2026-W48', 'smtp').recorded().size).toBe(0);
    db.close();
  });
});
