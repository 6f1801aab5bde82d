import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { openLedger, readStatus } from '../../src/send/ledger.js';
import { acquireSendLock, processStartId } from '../../src/send/lock.js';
import {
  addSuppression,
  isSuppressed,
  openExistingStateDb,
  openStateDb,
  type StateDb,
  suppressionChecker,
} from '../../src/send/store.js';

let dir: string;
let db: StateDb;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-ledger-'));
  db = openStateDb(join(dir, 'state', 'state.db'));
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

describe('state store', () => {
  it('uses WAL so a killed process keeps its commits', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('keeps suppressions case-insensitively', () => {
    addSuppression(db, 'Ada@Example.com', { reason: 'complaint', source: 'feedback-loop' });
    expect(isSuppressed(db, 'ada@example.com')).toBe(true);
    expect(isSuppressed(db, 'bob@example.com')).toBe(false);
    const check = suppressionChecker(db);
    expect(check('ADA@example.com')).toBe(true);
    expect(check('bob@example.com')).toBe(false);
  });

  it('opens nothing when no state exists yet', () => {
    expect(openExistingStateDb(join(dir, 'missing.db'))).toBeUndefined();
  });
});

describe('ledger', () => {
  it('records outcomes per issue and channel, counting attempts across runs', () => {
    const smtp = openLedger(db, '2026-W48', 'smtp');
    smtp.startRun(3);
    smtp.record({
      email: 'Ada@example.com',
      variantId: 'cto',
      status: 'deferred',
      messageId: '<x@y>',
      responseCode: 451,
      response: '451 later',
      attempts: 4,
    });
    smtp.record({
      email: 'ada@example.com',
      variantId: 'cto',
      status: 'sent',
      messageId: '<x@y>',
      responseCode: 250,
      response: '250 ok',
      attempts: 1,
    });
    smtp.record({
      email: 'bob@example.com',
      variantId: 'cto',
      status: 'failed',
      messageId: '<z@y>',
      responseCode: 550,
      response: '550 no such user',
      attempts: 1,
    });
    smtp.finishRun('failed');
    expect(smtp.recorded()).toEqual(
      new Map([
        ['ada@example.com', 'sent'],
        ['bob@example.com', 'failed'],
      ]),
    );
    expect(openLedger(db, '2026-W48', 'outbox').recorded().size).toBe(0);
    expect(openLedger(db, '2026-W49', 'smtp').recorded().size).toBe(0);

    const [status] = readStatus(db, '2026-W48');
    expect(status).toMatchObject({ channel: 'smtp', planned: 3, sent: 1, failed: 1, deferred: 0, pending: 1 });
    expect(status!.lastRun?.outcome).toBe('failed');
    expect(status!.failures).toEqual([expect.objectContaining({ email: 'bob@example.com', responseCode: 550 })]);
    const attempts = db.prepare("SELECT attempts FROM deliveries WHERE email = 'ada@example.com'").pluck().get();
    expect(attempts).toBe(5);
  });

  it('writes a batch all or none, whether it fits one statement or spans several', () => {
    const ledger = openLedger(db, '2026-W48', 'smtp');
    for (const size of [5, 40]) {
      const rows = Array.from({ length: size }, (_, i) => ({
        email: `r${size}-${i}@example.com`,
        variantId: 'v',
        // The last row breaks the table's CHECK on status: the batch is refused as a whole.
        status: (i === size - 1 ? 'bogus' : 'sent') as 'sent',
        messageId: `<${i}@y>`,
        responseCode: 250,
        response: '250 ok',
        attempts: 1,
      }));
      expect(() => ledger.recordMany(rows)).toThrow(/CHECK constraint/);
      expect(ledger.recorded().size).toBe(0);
    }
  });
});

describe('send lock', () => {
  it('writes a batch of any size as the same rows one write at a time would', () => {
    const row = (n: number, status: 'sent' | 'failed' | 'deferred', attempts = 1) => ({
      email: `Reader${n}@Example.com`,
      variantId: `v${n % 3}`,
      status,
      messageId: status === 'sent' ? `<${n}@y>` : null,
      responseCode: status === 'sent' ? 250 : 451,
      response: status === 'sent' ? '250 ok' : null,
      attempts,
    });
    const rows = (from: number, to: number, status: 'sent' | 'failed' | 'deferred') =>
      Array.from({ length: to - from }, (_, i) => row(from + i, status));
    const many = openLedger(db, '2026-W48', 'smtp', () => new Date('2026-11-30T10:00:00Z'));
    const one = openLedger(db, '2026-W48', 'outbox', () => new Date('2026-11-30T10:00:00Z'));
    // Stored before: sent rows stay sent, deferred ones take the new outcome and add attempts.
    const before = [...rows(0, 40, 'sent'), ...rows(40, 80, 'deferred')];
    // 150 rows, more than one statement holds, an address twice within it.
    const batch = [...rows(0, 80, 'failed'), ...rows(80, 149, 'sent'), row(100, 'deferred', 2)];
    many.recordMany(before);
    many.recordMany(batch);
    for (const entry of before) one.record(entry);
    for (const entry of [...rows(0, 80, 'failed'), ...rows(80, 149, 'sent')]) one.record(entry);
    const read = (channel: string) =>
      db
        .prepare(
          'SELECT email, variant_id, status, message_id, response_code, response, attempts, updated_at FROM deliveries WHERE channel = ? ORDER BY email',
        )
        .all(channel);
    const written = read('smtp');
    expect(written).toHaveLength(149);
    // The address twice in the batch merges (sent wins, attempts add up); every other row is as written alone.
    const other = (rows: unknown[]) => rows.filter((r) => (r as { email: string }).email !== 'reader100@example.com');
    expect(other(written)).toEqual(other(read('outbox')));
    expect(many.recorded().get('reader0@example.com')).toBe('sent');
    expect(many.recorded().get('reader50@example.com')).toBe('failed');
    expect(written.find((r) => (r as { email: string }).email === 'reader100@example.com')).toMatchObject({
      status: 'sent',
      attempts: 3,
    });
  });

  it('stops a second send while the first holds the lock, and frees it on release', () => {
    const lock = acquireSendLock(db, '2026-W48');
    const error = (() => {
      try {
        acquireSendLock(db, '2026-W48');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RolecastError);
    expect((error as RolecastError).code).toBe('E_LOCKED');
    // Other issues are not blocked.
    acquireSendLock(db, '2026-W49').release();
    lock.release();
    acquireSendLock(db, '2026-W48').release();
  });

  it('takes over a lock left by a process that no longer exists', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(gone.stdout.toString());
    expect(deadPid).toBeGreaterThan(0);
    db.prepare(
      "INSERT INTO locks (issue_id, pid, host, token, started_at) VALUES ('2026-W48', ?, ?, 'old', '2026-01-01')",
    ).run(deadPid, hostname());
    const lock = acquireSendLock(db, '2026-W48');
    expect(db.prepare("SELECT pid FROM locks WHERE issue_id = '2026-W48'").pluck().get()).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock left by an earlier process that had our pid (a container restarted after SIGKILL)', () => {
    // Same pid, same host, a token this process never issued: the holder was a previous life.
    insertLock(process.pid, hostname(), null);
    const lock = acquireSendLock(db, '2026-W48');
    expect(lockRow()).toMatchObject({ pid: process.pid, token: expect.not.stringMatching(/^old$/) });
    // While we hold it, a second acquire in this same process is still refused.
    expect(lockError(() => acquireSendLock(db, '2026-W48'))?.code).toBe('E_LOCKED');
    lock.release();
  });

  it('records the holder start time, and takes over when the pid now belongs to another process', async () => {
    const lock = acquireSendLock(db, '2026-W48');
    expect(lockRow()?.proc_start).toBe(processStartId(process.pid));
    expect(processStartId(process.pid)).toMatch(/\d+$/);
    lock.release();

    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => other.once('spawn', resolve));
      const pid = other.pid!;
      // A live process that started when the lock says: a real holder.
      insertLock(pid, hostname(), processStartId(pid)!);
      expect(lockError(() => acquireSendLock(db, '2026-W48'))?.code).toBe('E_LOCKED');
      // The same pid with another start time: the holder died and the pid was reused.
      insertLock(pid, hostname(), 'another-boot:12345');
      acquireSendLock(db, '2026-W48').release();
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('never takes the lock of a send running on this host, even with --break-lock', async () => {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => other.once('spawn', resolve));
      const pid = other.pid!;
      // Its pid and start time match: the process that took the lock, still running.
      insertLock(pid, hostname(), processStartId(pid)!);
      const error = lockError(() => acquireSendLock(db, '2026-W48', { breakLock: true }));
      expect(error?.code).toBe('E_LOCKED');
      expect(error?.hint).toContain(`kill ${pid}`);
      expect(error?.hint).not.toContain('--break-lock');
      expect(lockRow()).toMatchObject({ pid });
      // Without a start time to compare, the pid may be another program's: --break-lock still serves.
      insertLock(pid, hostname(), null);
      expect(lockError(() => acquireSendLock(db, '2026-W48'))?.hint).toContain('--break-lock');
      acquireSendLock(db, '2026-W48', { breakLock: true }).release();
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('leaves a lock held on another host alone unless --break-lock, and names that option', () => {
    insertLock(4242, 'some-other-host', null);
    const error = lockError(() => acquireSendLock(db, '2026-W48'));
    expect(error?.code).toBe('E_LOCKED');
    expect(error?.message).toContain('pid 4242 on some-other-host');
    expect(error?.hint).toContain('--break-lock');
    const lock = acquireSendLock(db, '2026-W48', { breakLock: true });
    expect(lock.tookOverFrom).toMatchObject({ pid: 4242, host: 'some-other-host' });
    expect(lockRow()).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
  });
});

describe('state files from before the lock start time and the resend generation', () => {
  it('gain the new columns when opened', () => {
    const file = join(dir, 'old.db');
    const old = openStateDb(file);
    old.exec('DROP TABLE locks; DROP TABLE runs;');
    old.exec(`CREATE TABLE runs (issue_id TEXT NOT NULL, channel TEXT NOT NULL, planned INTEGER NOT NULL,
      started_at TEXT NOT NULL, finished_at TEXT, outcome TEXT, PRIMARY KEY (issue_id, channel));
      CREATE TABLE locks (issue_id TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, token TEXT NOT NULL,
      started_at TEXT NOT NULL);`);
    old.pragma('user_version = 3');
    old.close();
    const reopened = openStateDb(file);
    try {
      // Past every version a release without open_resend_since knows: such a release refuses the
      // file (E_STATE_NEWER) rather than begin a new resend over an open one.
      expect(reopened.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(4);
      const columns = (table: string) =>
        (reopened.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
      expect(columns('locks')).toContain('proc_start');
      expect(columns('runs')).toContain('resend_started_at');
      expect(columns('runs')).toContain('open_resend_since');
      acquireSendLock(reopened, '2026-W48').release();
    } finally {
      reopened.close();
    }
  });

  it('close a resend an older release completed, also when a plain run of this one follows', () => {
    const file = join(dir, 'mixed.db');
    const db = openStateDb(file);
    try {
      const ledger = openLedger(db, '2026-W48', 'smtp');
      const T1 = '2026-11-30T08:00:00.000Z';
      const T2 = '2026-11-30T09:00:00.000Z';
      // How a release without open_resend_since starts and finishes a run.
      const olderRun = (resendSince: string | null, outcome: string) => {
        db.prepare(
          `INSERT INTO runs (issue_id, channel, planned, started_at, resend_started_at) VALUES ('2026-W48', 'smtp', 5, ?, ?)
           ON CONFLICT (issue_id, channel) DO UPDATE SET planned = excluded.planned, started_at = excluded.started_at,
             finished_at = NULL, outcome = NULL, resend_started_at = excluded.resend_started_at`,
        ).run(T2, resendSince);
        db.prepare("UPDATE runs SET finished_at = ?, outcome = ? WHERE issue_id = '2026-W48' AND channel = 'smtp'").run(
          T2,
          outcome,
        );
      };
      // This release's resend is cut; an older one resumes it to the end.
      ledger.startRun(5, T1);
      ledger.finishRun('interrupted');
      olderRun(T1, 'complete');
      expect(ledger.unfinishedResend()).toBeUndefined();
      // Cut again; the older release sends plainly, then a resend of its own to the end; then this one sends plainly.
      ledger.startRun(5, T1);
      ledger.finishRun('interrupted');
      olderRun(null, 'complete');
      olderRun(T2, 'complete');
      ledger.startRun(5);
      ledger.finishRun('complete');
      expect(ledger.unfinishedResend()).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('resume a resend an older release left interrupted, also after a plain run', () => {
    const file = join(dir, 'older.db');
    const old = openStateDb(file);
    old.exec('DROP TABLE runs;');
    old.exec(`CREATE TABLE runs (issue_id TEXT NOT NULL, channel TEXT NOT NULL, planned INTEGER NOT NULL,
      started_at TEXT NOT NULL, finished_at TEXT, outcome TEXT, resend_started_at TEXT, PRIMARY KEY (issue_id, channel));
      INSERT INTO runs VALUES ('2026-W48', 'smtp', 5, '2026-11-30T08:00:00.000Z', '2026-11-30T08:01:00.000Z',
        'interrupted', '2026-11-30T08:00:00.000Z');`);
    old.close();
    const reopened = openStateDb(file);
    try {
      const ledger = openLedger(reopened, '2026-W48', 'smtp');
      expect(ledger.unfinishedResend()).toBe('2026-11-30T08:00:00.000Z');
      ledger.startRun(5);
      ledger.finishRun('complete');
      expect(ledger.unfinishedResend()).toBe('2026-11-30T08:00:00.000Z');
    } finally {
      reopened.close();
    }
  });
});

function insertLock(pid: number, host: string, procStart: string | null): void {
  db.prepare(
    `INSERT INTO locks (issue_id, pid, host, token, started_at, proc_start) VALUES ('2026-W48', ?, ?, 'old', '2026-01-01', ?)
     ON CONFLICT (issue_id) DO UPDATE SET pid = excluded.pid, host = excluded.host, token = excluded.token,
       proc_start = excluded.proc_start`,
  ).run(pid, host, procStart);
}

function lockRow() {
  return db.prepare("SELECT pid, host, token, proc_start FROM locks WHERE issue_id = '2026-W48'").get() as
    | { pid: number; host: string; token: string; proc_start: string | null }
    | undefined;
}

function lockError(take: () => unknown): RolecastError | undefined {
  try {
    take();
  } catch (error) {
    if (error instanceof RolecastError) return error;
    throw error;
  }
  return undefined;
}
