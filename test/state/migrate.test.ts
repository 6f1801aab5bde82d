import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateAnalytics } from '../../src/analytics/_migrate.js';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { postgresAnalyticsStore } from '../../src/analytics/store-postgres.js';
import { ensureBounceSchema, sqliteBounceStore } from '../../src/bounces/store-sqlite.js';
import { openPostgres } from '../../src/db/postgres.js';
import { RolecastError } from '../../src/errors.js';
import type { Wave } from '../../src/schedule/plan.js';
import { appendToJournal, journalPath } from '../../src/send/journal.js';
import { acquireSendLock } from '../../src/send/lock.js';
import { unrecordedFileOf } from '../../src/send/state-loss.js';
import { openStateDb } from '../../src/send/store.js';
import { migrateStateData } from '../../src/state/migrate/index.js';
import { openState } from '../../src/state/open.js';
import { hashedAddress } from '../../src/store/hash.js';
import { postgresSubscriberStore } from '../../src/store/postgres.js';
import { migrateSubscriberStore, sqliteSubscriberStore } from '../../src/store/sqlite.js';
import { createDatabase, describePostgres } from '../helpers/postgres.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * `rolecast state migrate`: a SQLite state copied into PostgreSQL and back holds the very same rows;
 * a target that already holds rows is refused unless told; a password never shows.
 */

const TABLES: Record<string, string> = {
  deliveries: 'issue_id, channel, email',
  runs: 'issue_id, channel',
  suppressions: 'email',
  schedule_waves: 'issue_id, channel, wave_utc',
  issue_variants: 'issue_id, variant_id',
  // Insertion order is part of these: compared in rowid order.
  issue_summaries: 'rowid',
  readers: 'email',
  reader_audit: 'id',
  reader_moves: 'email',
  clicks: 'rowid',
  bounce_events: 'event_id',
};

function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  const exists = (table: string) =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  try {
    return Object.fromEntries(
      Object.entries(TABLES).map(([table, key]) => [
        table,
        exists(table) ? db.prepare(`SELECT * FROM ${table} ORDER BY ${key}`).all() : [],
      ]),
    );
  } finally {
    db.close();
  }
}

async function fillState(file: string): Promise<void> {
  const store = await openState({ kind: 'sqlite', file });
  try {
    const now = () => new Date('2026-11-30T08:00:00.000Z');
    const ledger = store.ledger('2026-W48', 'smtp', now);
    await ledger.startRun(1_203, '2026-11-30T07:59:00.000Z');
    const rows = Array.from({ length: 1_200 }, (_, i) => ({
      email: `reader${i}@example.com`,
      variantId: i % 2 ? 'cto' : 'exec',
      status: (i % 10 === 0 ? 'deferred' : 'sent') as 'sent' | 'deferred',
      messageId: `<${i}@example.com>`,
      responseCode: i % 10 === 0 ? null : 250,
      response: i % 10 === 0 ? null : `250 2.0.0 queued as ${i}`,
      attempts: 1 + (i % 3),
    }));
    await ledger.recordMany(rows);
    await ledger.recordMany([
      {
        email: 'ünï@bücher.example',
        variantId: 'cto',
        status: 'failed',
        messageId: '<u@example.com>',
        responseCode: 550,
        response: "550 it's gone",
        attempts: 1,
      },
    ]);
    await ledger.finishRun('failed');
    await store.ledger('2026-W48', 'outbox:/tmp/out', now).recordMany([{ ...rows[1]!, email: 'trial@example.com' }]);
    await store.suppressions.add('left@example.com', { reason: 'unsubscribe', source: 'one-click', now: now() });
    await store.suppressions.add('bounced@example.com', { reason: 'bounce', now: now() });
    const db = new Database(file);
    db.prepare("INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, 'erased', 'forget', ?)").run(
      hashedAddress('erased@example.com'),
      '2026-11-30T08:00:00.000Z',
    );
    db.close();
    const wave = { utc: '2026-11-30T07:00:00.000Z', count: 3, zones: [{ zone: 'Europe/Berlin' }] } as unknown as Wave;
    await store.waves('2026-W48', 'smtp', now).register([wave]);
    await store.waves('2026-W48', 'smtp', now).mark(wave.utc, 'sent');
    await store.recordLayout(
      '2026-W48',
      {
        variants: [
          { id: 'cto', roles: ['CTO'], sections: [{ role: 'CTO', summaryIds: ['s1', 's2'] }], clicksTagged: true },
        ],
        summaries: [
          { id: 's1', roles: ['CTO'], topics: ['ai'] },
          { id: 's2', roles: ['CTO'], topics: [] },
        ],
      },
      now(),
    );
    // A second issue whose summaries were recorded out of alphabetical order.
    await store.recordLayout(
      '2026-W49',
      {
        variants: [
          { id: 'exec', roles: ['Exec'], sections: [{ role: 'Exec', summaryIds: ['s9', 's3'] }], clicksTagged: false },
        ],
        summaries: [
          { id: 's9', roles: ['Exec'], topics: ['chips'] },
          { id: 's3', roles: ['Exec'], topics: ['ai', 'law'] },
        ],
      },
      now(),
    );
  } finally {
    await store.close();
  }
  await fillStores(file);
}

/** Readers with their audit log, clicks and bounce events: every table the other components keep. */
async function fillStores(file: string): Promise<void> {
  const db = openStateDb(file);
  try {
    migrateSubscriberStore(db);
    migrateAnalytics(db);
    ensureBounceSchema(db);
    const readers = sqliteSubscriberStore(db);
    const at = '2026-11-01T10:00:00.000Z';
    await readers.insert({
      email: 'ann@example.com',
      name: 'Ann Example',
      firstName: 'Ann',
      roles: ['CTO', 'Exec'],
      timezone: 'Europe/Berlin',
      locale: 'de',
      status: 'active',
      pausedUntil: null,
      createdAt: at,
      confirmedAt: at,
      readerChangedAt: at,
      readerFields: { roles: at, name: at },
      fileFields: { name: { at, said: 'noted-file-name' } },
      consent: { at, method: 'form', wording: 'Yes, send me the digest' },
      pendingEmail: 'ann.new@example.com',
      confirmNonce: 'nonce-1',
    });
    await readers.insert({
      email: 'bo@example.com',
      name: null,
      firstName: null,
      roles: [],
      timezone: null,
      locale: null,
      status: 'paused',
      pausedUntil: '2027-01-01T00:00:00.000Z',
      createdAt: at,
      confirmedAt: null,
      readerChangedAt: null,
      readerFields: null,
      fileFields: null,
      consent: null,
      pendingEmail: null,
      confirmNonce: null,
    });
    db.prepare(
      "INSERT INTO reader_moves (email, moved_to, at, latest_moved_to) VALUES ('ann.old@example.com', 'ann@example.com', ?, 'ann.newest@example.com')",
    ).run(at);
    for (const [i, email] of ['bo@example.com', 'ann@example.com', 'bo@example.com'].entries())
      await readers.audit({ email, at: `2026-11-0${i + 1}T00:00:00.000Z`, page: 'preferences', change: `step ${i}` });
    const analytics = sqliteAnalyticsStore(db);
    for (const [i, summaryId] of ['s2', 's1', 's2'].entries())
      analytics.recordClick({
        issueId: '2026-W48',
        summaryId,
        role: 'CTO',
        variantId: 'cto',
        kind: i === 1 ? 'source' : 'article',
        target: `https://example.com/${summaryId}`,
        at: new Date(`2026-11-30T0${9 - i}:00:00.000Z`),
        first: i !== 2,
      });
    const bounces = sqliteBounceStore(db);
    for (const [i, kind] of (['hard', 'complaint'] as const).entries())
      await bounces.insertEvent({
        eventId: `event-${i}`,
        issueId: i === 0 ? '2026-W48' : null,
        email: `reader${i}@example.com`,
        kind,
        status: kind === 'hard' ? '5.1.1' : null,
        diagnostic: kind === 'hard' ? '550 5.1.1 user unknown' : 'abuse report',
        source: 'import:test',
        outcome: i === 0 ? 'suppressed' : 'counted',
        occurredAt: '2026-11-30T10:00:00.000Z',
        recordedAt: '2026-11-30T11:00:00.000Z',
      });
  } finally {
    db.close();
  }
}

describe('state migrate of a state with work left beside it', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecast-migrate-side-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('applies journaled unsubscribes and unrecorded messages to the source first, so the copy holds them', async () => {
    const source = join(dir, 'state.db');
    await fillState(source);
    appendToJournal(journalPath(source), {
      email: 'Left.Late@example.com',
      reason: 'unsubscribe',
      source: 'one-click',
      at: '2026-11-30T09:00:00.000Z',
    });
    const line = {
      issueId: '2026-W48',
      channel: 'smtp',
      at: '2026-11-30T09:01:00.000Z',
      email: 'unrecorded@example.com',
      variantId: 'v1',
      messageId: '<m1@example.com>',
    };
    writeFileSync(unrecordedFileOf(source), `${JSON.stringify(line)}\n`);
    const target = join(dir, 'copy.db');
    const result = await migrateStateData({
      from: { kind: 'sqlite', file: source },
      to: { kind: 'sqlite', file: target },
    });
    expect(result.applied).toEqual({ unsubscribes: 1, unrecorded: 1 });
    const copy = await openState({ kind: 'sqlite', file: target });
    try {
      expect(await copy.suppressions.isSuppressed('left.late@example.com')).toBe(true);
      expect((await copy.ledger('2026-W48', 'smtp').recorded()).get('unrecorded@example.com')).toBe('sent');
    } finally {
      await copy.close();
    }
    expect(existsSync(journalPath(source))).toBe(false);
    expect(existsSync(unrecordedFileOf(source))).toBe(false);
  });

  it('refuses while a send holds the lock of the source, copying nothing and leaving its journal', async () => {
    const source = join(dir, 'state.db');
    await fillState(source);
    appendToJournal(journalPath(source), {
      email: 'left.late@example.com',
      reason: 'unsubscribe',
      source: 'one-click',
      at: '2026-11-30T09:00:00.000Z',
    });
    const db = openStateDb(source);
    const lock = acquireSendLock(db, '2026-W48');
    try {
      const target = join(dir, 'copy.db');
      const refused = (await migrateStateData({
        from: { kind: 'sqlite', file: source },
        to: { kind: 'sqlite', file: target },
      }).catch((error: unknown) => error)) as RolecastError;
      expect(refused.code).toBe('E_LOCKED');
      expect(refused.message).toMatch(/a send of 2026-W48 is running .* nothing was copied/);
      expect(existsSync(target) ? dump(target).deliveries : []).toEqual([]);
      // A refused migration changes nothing: the journal waits for the send (or the next command).
      expect(existsSync(journalPath(source))).toBe(true);
    } finally {
      lock.release();
      db.close();
    }
  });
});

describe('state migrate and lock rows of other hosts', () => {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecast-migrate-host-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copies a state whose lock row names another host: this host cannot tell, and would be refused for good', async () => {
    const source = join(dir, 'state.db');
    await fillState(source);
    const db = openStateDb(source);
    db.prepare(
      `INSERT INTO locks (issue_id, pid, host, token, started_at) VALUES ('2026-W49', 4242, 'an-old-host', 't', '2026-11-01T00:00:00.000Z')`,
    ).run();
    db.close();
    const target = join(dir, 'copy.db');
    const result = await migrateStateData({
      from: { kind: 'sqlite', file: source },
      to: { kind: 'sqlite', file: target },
    });
    expect(result.tables.find((t) => t.table === 'deliveries')?.rows).toBe(1_202);
  });
});

describePostgres('state migrate between SQLite and PostgreSQL', () => {
  let dir = '';
  const databases: { url: string; drop(): Promise<void> }[] = [];
  const freshUrl = async () => {
    const db = await createDatabase('migrate_copy');
    databases.push(db);
    return db.url;
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecast-migrate-'));
  });
  afterAll(async () => {
    for (const db of databases) await db.drop();
    await rm(dir, { recursive: true, force: true });
  });
  let n = 0;
  let source = '';
  beforeEach(async () => {
    source = join(dir, `source-${++n}.db`);
    await fillState(source);
  });

  it('copies every row to PostgreSQL and back, identical, with counts per table', async () => {
    const url = await freshUrl();
    const there = await migrateStateData({ from: { kind: 'sqlite', file: source }, to: { kind: 'postgres', url } });
    expect(Object.fromEntries(there.tables.map((t) => [t.table, t.rows]))).toEqual({
      deliveries: 1_202,
      runs: 1,
      suppressions: 3,
      schedule_waves: 1,
      issue_variants: 2,
      issue_summaries: 4,
      readers: 2,
      reader_audit: 3,
      reader_moves: 1,
      clicks: 3,
      bounce_events: 2,
    });
    // The copy is a working state: the contract reads it as it read the file.
    const pg = await openState({ kind: 'postgres', url });
    try {
      expect((await pg.ledger('2026-W48', 'smtp').recorded()).size).toBe(1_201);
      expect(await pg.suppressions.isSuppressed('Erased@Example.com')).toBe(true);
      expect((await pg.status('2026-W48'))[0]).toMatchObject({ planned: 1_203, failed: 1, deferred: 120 });
    } finally {
      await pg.close();
    }
    // The copied stores work: the audit log goes on after the copied ids, the summaries keep their order.
    const pool = await openPostgres(url, { max: 1 });
    try {
      const readers = postgresSubscriberStore(pool);
      expect(await readers.get('ann@example.com')).toMatchObject({
        consent: { wording: 'Yes, send me the digest' },
        readerFields: { roles: '2026-11-01T10:00:00.000Z', name: '2026-11-01T10:00:00.000Z' },
        fileFields: { name: { at: '2026-11-01T10:00:00.000Z', said: 'noted-file-name' } },
      });
      expect(await readers.moves()).toEqual([
        {
          email: 'ann.old@example.com',
          movedTo: 'ann@example.com',
          at: '2026-11-01T10:00:00.000Z',
          latestMovedTo: 'ann.newest@example.com',
        },
      ]);
      await readers.audit({ email: 'ann@example.com', at: '2026-12-01T00:00:00.000Z', page: 'pg', change: 'after' });
      expect((await readers.auditOf('ann@example.com')).map((e) => e.change)).toEqual(['step 1', 'after']);
      const facts = await postgresAnalyticsStore(pool).facts('2026-W49');
      expect(facts.summaries.map((s) => s.id)).toEqual(['s9', 's3']);
      await pool.query("DELETE FROM reader_audit WHERE page = 'pg'");
    } finally {
      await pool.end();
    }
    const back = join(dir, `back-${n}.db`);
    await migrateStateData({ from: { kind: 'postgres', url }, to: { kind: 'sqlite', file: back } });
    expect(dump(back)).toEqual(dump(source));
  });

  it('refuses a target that holds rows, changing nothing, unless told to replace them', async () => {
    const url = await freshUrl();
    await migrateStateData({ from: { kind: 'sqlite', file: source }, to: { kind: 'postgres', url } });
    const other = join(dir, `other-${n}.db`);
    const store = await openState({ kind: 'sqlite', file: other });
    await store.suppressions.add('only@example.com');
    await store.close();
    const refused = await migrateStateData({
      from: { kind: 'sqlite', file: other },
      to: { kind: 'postgres', url },
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RolecastError);
    expect((refused as RolecastError).message).toMatch(
      /already holds rows \(deliveries: 1202, runs: 1, suppressions: 3/,
    );
    const replaced = await migrateStateData({
      from: { kind: 'sqlite', file: other },
      to: { kind: 'postgres', url },
      replace: true,
    });
    expect(replaced.tables.find((t) => t.table === 'suppressions')?.rows).toBe(1);
    const back = join(dir, `replaced-${n}.db`);
    await migrateStateData({ from: { kind: 'postgres', url }, to: { kind: 'sqlite', file: back } });
    expect(dump(back)).toEqual(dump(other));
  });

  it('through the CLI: copies the project state, prints counts, and never the password', async () => {
    let project: TempProject | undefined;
    try {
      project = await tempProject({ withExample: true });
      await fillState(project.path('.rolecast/state.db'));
      const url = new URL(await freshUrl());
      // Trust authentication ignores the password, so the URL can carry one.
      url.password = 'hunter2-secret';
      const copied = await runMain(project.dir, ['state', 'migrate', '--to', url.toString()]);
      expect(copied.all).not.toContain('hunter2');
      expect(copied.code).toBe(0);
      expect(copied.out).toContain('deliveries: 1202 row(s)');
      expect(copied.out).toMatch(
        /to postgres:\/\/rolecast:\*\*\*@127\.0\.0\.1:\d+\/rc_migrate_copy_\w+; row counts match/,
      );
      const again = await runMain(project.dir, ['state', 'migrate', '--to', url.toString()]);
      expect(again.code).toBe(2);
      expect(again.all).toContain('--replace');
      expect(again.all).not.toContain('hunter2');
      const back = project.path('back.db');
      const returned = await runMain(project.dir, ['state', 'migrate', '--from', url.toString(), '--to', 'back.db']);
      expect(returned.code).toBe(0);
      expect(dump(back)).toEqual(dump(project.path('.rolecast/state.db')));
      const unknown = await runMain(project.dir, ['state', 'migrate', '--to', 'mysql://x@y/z']);
      expect(unknown.code).toBe(2);
    } finally {
      await project?.cleanup();
    }
  });
});
