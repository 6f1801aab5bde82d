import { readdir, readFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureBounceSchema, sqliteBounceStore } from '../../src/bounces/store-sqlite.js';
import { appendToJournal, journalPath, replayJournal } from '../../src/send/journal.js';
import { openLedger } from '../../src/send/ledger.js';
import { APPLICATION_ID } from '../../src/send/state-file.js';
import { addSuppression, isSuppressed, openStateDb, suppressionChecker } from '../../src/send/store.js';
import { stateSuppressionList } from '../../src/serve/suppressions.js';
import {
  hashedAddress,
  newReader,
  readStoredSubscribers,
  STORE_SCHEMA_VERSION,
  sqliteSubscriberStore,
} from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
const stateFile = () => project.path('.rolecast/state.db');

beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(async () => {
  await project.cleanup();
});

/** A state file as the version before the subscriber store wrote it: ledger tables only, user_version 1. */
function writeVersionOneFile(file: string, suppressed: string): void {
  const db = new Database(file);
  db.exec(`
    CREATE TABLE deliveries (issue_id TEXT NOT NULL, channel TEXT NOT NULL, email TEXT NOT NULL, variant_id TEXT NOT NULL,
      status TEXT NOT NULL, message_id TEXT, response_code INTEGER, response TEXT, attempts INTEGER NOT NULL DEFAULT 0,
      updated_at TEXT NOT NULL, PRIMARY KEY (issue_id, channel, email));
    CREATE TABLE runs (issue_id TEXT NOT NULL, channel TEXT NOT NULL, planned INTEGER NOT NULL, started_at TEXT NOT NULL,
      finished_at TEXT, outcome TEXT, resend_started_at TEXT, PRIMARY KEY (issue_id, channel));
    CREATE TABLE suppressions (email TEXT PRIMARY KEY, reason TEXT, source TEXT, created_at TEXT NOT NULL);
    CREATE TABLE locks (issue_id TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, token TEXT NOT NULL,
      started_at TEXT NOT NULL, proc_start TEXT);
  `);
  db.prepare(
    "INSERT INTO deliveries VALUES ('2026-W47', 'smtp', 'priya.raman@example.com', 'v1', 'sent', '<m@x>', 250, 'ok', 1, '2026-11-20T08:00:00Z')",
  ).run();
  db.prepare("INSERT INTO suppressions VALUES (?, 'bounce', 'import', '2026-11-01T00:00:00Z')").run(suppressed);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma('user_version = 1');
  db.close();
}

describe('subscriber store migrations', () => {
  it('creates the store in an empty state file at the current schema version', async () => {
    const db = openStateDb(stateFile());
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(STORE_SCHEMA_VERSION);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      expect(tables).toEqual(expect.arrayContaining(['deliveries', 'suppressions', 'readers', 'reader_audit']));
      expect(await sqliteSubscriberStore(db).list()).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('adds field times and moves to a store an earlier release wrote, which then refuses the file', async () => {
    await project.write('.rolecast/.keep', '');
    const made = openStateDb(stateFile());
    const at = '2026-11-01T10:00:00.000Z';
    await sqliteSubscriberStore(made).insert(
      newReader('ann@example.com', new Date(at), { name: 'Ann', readerChangedAt: at }),
    );
    // As the release before field times and moves left it.
    made.exec('ALTER TABLE readers DROP COLUMN reader_fields; DROP TABLE reader_moves;');
    made.pragma('user_version = 4');
    made.close();
    // Read without writing (a build, a send's audience): nothing to follow, the record as it was.
    expect(await readStoredSubscribers(stateFile())).toEqual({
      readers: [expect.objectContaining({ email: 'ann@example.com', name: 'Ann', readerFields: null })],
      moves: [],
    });
    const db = openStateDb(stateFile());
    try {
      // Past every version that release knows: it refuses the file rather than mail an address a reader left.
      expect(db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
      expect(STORE_SCHEMA_VERSION).toBeGreaterThan(4);
      const store = sqliteSubscriberStore(db);
      expect(await store.get('ann@example.com')).toMatchObject({ name: 'Ann', readerFields: null });
      expect(await store.rename('ann@example.com', 'ann.new@example.com', new Date(at))).toBe(true);
      expect(await store.moves()).toEqual([
        { email: 'ann@example.com', movedTo: 'ann.new@example.com', at, latestMovedTo: 'ann.new@example.com' },
      ]);
    } finally {
      db.close();
    }
  });

  it('adds the noted file values to a store a release before them wrote, which then refuses the file', async () => {
    await project.write('.rolecast/.keep', '');
    const made = openStateDb(stateFile());
    const at = '2026-11-01T10:00:00.000Z';
    await sqliteSubscriberStore(made).insert(
      newReader('ann@example.com', new Date(at), { readerFields: { name: at } }),
    );
    made.exec('ALTER TABLE readers DROP COLUMN file_fields');
    made.pragma('user_version = 5');
    made.close();
    expect((await readStoredSubscribers(stateFile()))?.readers).toEqual([
      expect.objectContaining({ readerFields: { name: at }, fileFields: null }),
    ]);
    const db = openStateDb(stateFile());
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
      expect(STORE_SCHEMA_VERSION).toBeGreaterThan(5);
      const store = sqliteSubscriberStore(db);
      await store.update('ann@example.com', { fileFields: { name: { at, said: 'h' } } }, new Date(at));
      expect((await store.get('ann@example.com'))?.fileFields).toEqual({ name: { at, said: 'h' } });
    } finally {
      db.close();
    }
  });

  it('keeps the moves a release before the latest leaver wrote, each its own latest, and that release then refuses the file', async () => {
    await project.write('.rolecast/.keep', '');
    const made = openStateDb(stateFile());
    const at = '2026-11-01T10:00:00.000Z';
    await sqliteSubscriberStore(made).insert(newReader('bob@work.example', new Date(at)));
    await sqliteSubscriberStore(made).rename('bob@work.example', 'bob@home.example', new Date(at));
    made.exec('ALTER TABLE reader_moves DROP COLUMN latest_moved_to');
    made.pragma('user_version = 6');
    made.close();
    const before = [{ email: 'bob@work.example', movedTo: 'bob@home.example', at, latestMovedTo: 'bob@home.example' }];
    // Read without writing (a build, a send's audience): the first reader to leave is the latest.
    expect((await readStoredSubscribers(stateFile()))?.moves).toEqual(before);
    const db = openStateDb(stateFile());
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(STORE_SCHEMA_VERSION);
      expect(STORE_SCHEMA_VERSION).toBeGreaterThan(6);
      expect(await sqliteSubscriberStore(db).moves()).toEqual(before);
    } finally {
      db.close();
    }
  });

  it('migrates a state file of the previous version and keeps its ledger and suppressions', async () => {
    await project.write('.rolecast/.keep', '');
    writeVersionOneFile(stateFile(), 'gone@example.com');
    const db = openStateDb(stateFile());
    try {
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(STORE_SCHEMA_VERSION);
      expect(db.prepare('SELECT COUNT(*) FROM deliveries').pluck().get()).toBe(1);
      expect(isSuppressed(db, 'gone@example.com')).toBe(true);
      const store = sqliteSubscriberStore(db);
      await store.insert({
        email: 'New@Example.com',
        name: 'New',
        firstName: null,
        roles: ['CTO'],
        timezone: null,
        locale: null,
        status: 'active',
        pausedUntil: null,
        createdAt: '2026-12-01T00:00:00.000Z',
        confirmedAt: null,
        readerChangedAt: null,
        readerFields: null,
        fileFields: null,
        consent: { at: '2026-12-01T00:00:00.000Z', method: 'cli', wording: null },
        pendingEmail: null,
        confirmNonce: null,
      });
      expect(await (await store.get('new@example.com'))?.roles).toEqual(['CTO']);
    } finally {
      db.close();
    }
    // Opening again is a no-op: the migration ran once.
    const again = openStateDb(stateFile());
    expect(await sqliteSubscriberStore(again).list()).toHaveLength(1);
    again.close();
  });
});

describe('rolecast subscribers', () => {
  it('imports, exports and re-imports a list without losing anything (JSON and CSV)', async () => {
    const imported = await runMain(project.dir, ['subscribers', 'import', 'subscribers.example.json']);
    expect(imported.code, imported.all).toBe(0);
    expect(imported.out).toMatch(/imported 12 new reader\(s\)/);
    const first = await runMain(project.dir, ['subscribers', 'export']);
    expect(first.code).toBe(0);
    const exported = JSON.parse(first.out) as { subscribers: { email: string; roles: string[] }[] };
    expect(exported.subscribers).toHaveLength(12);
    // Roles are stored canonical: an alias in the file is its role's name in the store.
    expect(exported.subscribers.find((s) => s.email === 'jonas.becker@example.org')?.roles).toEqual([
      'CTO',
      'Executive',
    ]);
    await project.write('round.json', first.out);
    const csv = await runMain(project.dir, ['subscribers', 'export', '--format', 'csv']);
    await project.write('round.csv', csv.out);

    for (const file of ['round.json', 'round.csv']) {
      const other = await tempProject({ withExample: true });
      try {
        await other.write(file, await readFile(project.path(file), 'utf8'));
        const again = await runMain(other.dir, ['subscribers', 'import', file]);
        expect(again.code, again.all).toBe(0);
        const second = await runMain(other.dir, ['subscribers', 'export']);
        expect(JSON.parse(second.out)).toEqual(JSON.parse(first.out));
      } finally {
        await other.cleanup();
      }
    }
  });

  it('reads back a CSV export of addresses and names a spreadsheet would run as formulas', async () => {
    await project.write(
      'formulas.json',
      JSON.stringify([
        { email: '+plus@example.com', name: '=Ann', firstName: '@Ann', roles: ['CTO'] },
        { email: '-dash@example.com', name: '-Bo', roles: ['CTO'] },
        { email: '=1+1@example.com', name: "'Tis Cy", roles: ['CTO'] },
      ]),
    );
    expect((await runMain(project.dir, ['subscribers', 'import', 'formulas.json'])).code).toBe(0);
    const first = await runMain(project.dir, ['subscribers', 'export']);
    const csv = await runMain(project.dir, ['subscribers', 'export', '--format', 'csv']);
    expect(csv.code, csv.all).toBe(0);
    const other = await tempProject({ withExample: true });
    try {
      await other.write('formulas.csv', csv.out);
      const again = await runMain(other.dir, ['subscribers', 'import', 'formulas.csv']);
      expect(again.code, again.all).toBe(0);
      const second = await runMain(other.dir, ['subscribers', 'export']);
      expect(JSON.parse(second.out)).toEqual(JSON.parse(first.out));
      expect(second.out).toContain('"email": "+plus@example.com"');
    } finally {
      await other.cleanup();
    }
  });

  it('keeps first names through a CSV export and import', async () => {
    await project.write(
      'named.json',
      JSON.stringify([
        { email: 'priya@example.com', name: 'Priya Raman', firstName: 'Pri', roles: ['CTO'] },
        { email: 'sam@example.com', name: 'Sam Okafor', roles: ['CTO'] },
      ]),
    );
    expect((await runMain(project.dir, ['subscribers', 'import', 'named.json'])).code).toBe(0);
    const csv = await runMain(project.dir, ['subscribers', 'export', '--format', 'csv']);
    expect(csv.code, csv.all).toBe(0);
    const other = await tempProject({ withExample: true });
    try {
      await other.write('named.csv', csv.out);
      const again = await runMain(other.dir, ['subscribers', 'import', 'named.csv']);
      expect(again.code, again.all).toBe(0);
      const exported = await runMain(other.dir, ['subscribers', 'export']);
      const subscribers = (JSON.parse(exported.out) as { subscribers: { email: string; firstName?: string }[] })
        .subscribers;
      expect(subscribers.map((s) => [s.email, s.firstName ?? null])).toEqual([
        ['priya@example.com', 'Pri'],
        ['sam@example.com', null],
      ]);
    } finally {
      await other.cleanup();
    }
  });

  it('--update merges by address but never re-activates an unsubscribed or suppressed reader', async () => {
    await project.write(
      'a.json',
      JSON.stringify([
        { email: 'left@example.com', roles: ['CTO'], status: 'unsubscribed' },
        { email: 'stays@example.com', name: 'Old Name', roles: ['CTO'] },
        { email: 'bounced@example.com', roles: ['CTO'] },
      ]),
    );
    expect((await runMain(project.dir, ['subscribers', 'import', 'a.json'])).code).toBe(0);
    expect((await runMain(project.dir, ['suppress', 'add', 'bounced@example.com', '--reason', 'bounce'])).code).toBe(0);
    await project.write(
      'b.json',
      JSON.stringify([
        { email: 'left@example.com', roles: ['Executive'], status: 'active' },
        { email: 'stays@example.com', name: 'New Name', roles: ['CTO', 'Executive'] },
        { email: 'bounced@example.com', roles: ['CTO'], status: 'active' },
        { email: 'suppressed-new@example.com', roles: ['CTO'] },
      ]),
    );
    expect((await runMain(project.dir, ['suppress', 'add', 'suppressed-new@example.com'])).code).toBe(0);
    const merged = await runMain(project.dir, ['subscribers', 'import', 'b.json', '--update']);
    expect(merged.code, merged.all).toBe(0);
    expect(merged.out).toMatch(/3 kept unsubscribed/);
    const list = await runMain(project.dir, ['subscribers', 'list', '--json']);
    const readers = new Map(
      (JSON.parse(list.out) as { email: string; status: string; name: string; roles: string[] }[]).map((r) => [
        r.email,
        r,
      ]),
    );
    expect(readers.get('left@example.com')?.status).toBe('unsubscribed');
    expect(readers.get('left@example.com')?.roles).toEqual(['Executive']);
    expect(readers.get('stays@example.com')).toMatchObject({ status: 'active', name: 'New Name' });
    expect(readers.get('suppressed-new@example.com')?.status).toBe('unsubscribed');
    // Without --update nothing already stored changes.
    await project.write('c.json', JSON.stringify([{ email: 'stays@example.com', name: 'Third', roles: ['CTO'] }]));
    const plain = await runMain(project.dir, ['subscribers', 'import', 'c.json']);
    expect(plain.out).toMatch(/1 already stored/);
    const after = await runMain(project.dir, ['subscribers', 'list', '--role', 'Chief Executive Officer', '--json']);
    expect((JSON.parse(after.out) as { email: string }[]).map((r) => r.email).sort()).toEqual([
      'left@example.com',
      'stays@example.com',
    ]);
  });

  it('add, list by status and remove', async () => {
    const added = await runMain(project.dir, [
      'subscribers',
      'add',
      'Ana@Example.com',
      '--roles',
      'cto,Designer',
      '--name',
      'Ana',
    ]);
    expect(added.code, added.all).toBe(0);
    const unknown = await runMain(project.dir, ['subscribers', 'add', 'x@example.com', '--roles', 'Desinger']);
    expect(unknown.code).toBe(2);
    expect(unknown.all).toMatch(/did you mean Designer/);
    const list = await runMain(project.dir, ['subscribers', 'list', '--status', 'active']);
    // Listed as written: the local part's case may be part of the mailbox.
    expect(list.out).toMatch(/^Ana@example\.com\tactive\tCTO, Designer\tAna/m);
    expect((await runMain(project.dir, ['subscribers', 'remove', 'ana@example.com'])).code).toBe(0);
    expect((await runMain(project.dir, ['subscribers', 'remove', 'ana@example.com'])).code).toBe(2);
  });

  it('a test send to a suppressed or erased address is refused, and nothing is written', async () => {
    expect((await runMain(project.dir, ['suppress', 'add', 'Complained@Example.com'])).code).toBe(0);
    expect((await runMain(project.dir, ['subscribers', 'forget', 'erased@example.com'])).code).toBe(0);
    const send = (to: string) =>
      runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--test', to]);
    for (const to of ['complained@example.com', 'Erased@example.com']) {
      const refused = await send(to);
      expect(refused.code, refused.all).toBe(2);
      expect(refused.all).toMatch(/is on the suppression list/);
    }
    const allowed = await send('editor@example.com');
    expect(allowed.code, allowed.all).toBe(0);
    expect(await readdir(project.path('outbox/2026-W48'))).toEqual(['editor@example.com.eml']);
  });

  it('export writes a reader on the suppression list as unsubscribed, whatever the store says', async () => {
    expect((await runMain(project.dir, ['subscribers', 'import', 'subscribers.example.json'])).code).toBe(0);
    expect(
      (await runMain(project.dir, ['suppress', 'add', 'Priya.Raman@example.com', '--reason', 'complaint'])).code,
    ).toBe(0);
    const exported = await runMain(project.dir, ['subscribers', 'export']);
    expect(exported.code, exported.all).toBe(0);
    const { subscribers } = JSON.parse(exported.out) as { subscribers: { email: string; status?: string }[] };
    const statusOf = (email: string) => subscribers.find((s) => s.email === email)?.status ?? 'active';
    expect(statusOf('priya.raman@example.com')).toBe('unsubscribed');
    expect(statusOf('jonas.becker@example.org')).toBe('active');
    expect(subscribers.some((s) => s.email === 'jonas.becker@example.org')).toBe(true);
  });

  it('forget refuses what is not a bare address, and changes nothing', async () => {
    expect((await runMain(project.dir, ['subscribers', 'import', 'subscribers.example.json'])).code).toBe(0);
    for (const written of ['Priya Raman <priya.raman@example.com>', 'mailto:priya.raman@example.com']) {
      const refused = await runMain(project.dir, ['subscribers', 'forget', written]);
      expect(refused.code, refused.all).toBe(2);
      expect(refused.all).toMatch(/is not a valid email address/);
    }
    const db = openStateDb(stateFile());
    expect(db.prepare('SELECT count(*) FROM suppressions').pluck().get()).toBe(0);
    expect(db.prepare('SELECT 1 FROM readers WHERE email = ?').get('priya.raman@example.com')).toBeDefined();
    db.close();
  });

  it('a reader an earlier release stored with an address over 254 bytes can still leave, and no new one comes in', async () => {
    // 64 + 1 + 190 = 255 bytes: taken before SMTP's limit was checked.
    const long = `${'a'.repeat(64)}@${'b'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(63)}.coms`;
    const other = long.replace('a@', 'b@');
    const db = openStateDb(stateFile());
    const store = sqliteSubscriberStore(db);
    await store.insert(newReader(long, new Date(), { roles: ['CTO'], status: 'active' }));
    await store.insert(newReader(other, new Date(), { roles: ['CTO'], status: 'active' }));
    db.close();
    const added = await runMain(project.dir, ['subscribers', 'add', long.replace('a@', 'c@'), '--roles', 'CTO']);
    expect(added.code, added.all).toBe(2);
    expect(added.all).toMatch(/is not a valid email address/);
    const forgot = await runMain(project.dir, ['subscribers', 'forget', long]);
    expect(forgot.code, forgot.all).toBe(0);
    const removed = await runMain(project.dir, ['subscribers', 'remove', other]);
    expect(removed.code, removed.all).toBe(0);
    const suppressed = await runMain(project.dir, ['suppress', 'add', other]);
    expect(suppressed.code, suppressed.all).toBe(0);
    const after = openStateDb(stateFile());
    try {
      expect(after.prepare('SELECT count(*) FROM readers').pluck().get()).toBe(0);
      expect(isSuppressed(after, long)).toBe(true);
      expect(isSuppressed(after, other)).toBe(true);
    } finally {
      after.close();
    }
  });

  it('forget erases the personal data and leaves only a hashed suppression that send honours', async () => {
    const reader = 'priya.raman@example.com';
    expect((await runMain(project.dir, ['subscribers', 'import', 'subscribers.example.json'])).code).toBe(0);
    const db = openStateDb(stateFile());
    addSuppression(db, reader, { reason: 'complaint' });
    db.prepare(
      "INSERT INTO deliveries VALUES ('2026-W47', 'smtp', ?, 'v1', 'sent', '<m@x>', 250, 'ok', 1, '2026-11-20T08:00:00Z')",
    ).run(reader);

    // A bounce with the server's text naming her, and another reader's audit line naming her.
    ensureBounceSchema(db);
    db.prepare(
      "INSERT INTO bounce_events VALUES ('ev1', '2026-W47', ?, 'soft', '4.2.2', 'mailbox of priya.raman@example.com full', 'mailbox', 'counted', '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z')",
    ).run(reader);
    db.prepare(
      "INSERT INTO reader_audit (email, at, page, change) VALUES ('jonas@example.com', '2026-11-20T09:00:00Z', 'preferences', 'pendingEmail: (none) → priya.raman@example.com')",
    ).run();
    db.close();

    const forgot = await runMain(project.dir, ['subscribers', 'forget', 'Priya.Raman@example.com']);
    expect(forgot.code, forgot.all).toBe(0);
    // Not in a row, nor in the file's free pages or its log.
    for (const file of [stateFile(), `${stateFile()}-wal`])
      expect((await readFile(file).catch(() => Buffer.alloc(0))).toString('latin1').toLowerCase()).not.toContain(
        'priya',
      );

    const check = new Database(stateFile(), { readonly: true });
    try {
      const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      for (const table of tables) {
        const rows = check.prepare(`SELECT * FROM ${table}`).all();
        expect(JSON.stringify(rows).toLowerCase(), table).not.toContain('priya');
      }
      expect(check.prepare('SELECT email FROM suppressions WHERE email = ?').pluck().get(hashedAddress(reader))).toBe(
        hashedAddress(reader),
      );
    } finally {
      check.close();
    }
    const db2 = openStateDb(stateFile());
    expect(isSuppressed(db2, 'PRIYA.RAMAN@example.com')).toBe(true);
    expect(suppressionChecker(db2)(reader)).toBe(true);
    // Whatever arrives later for her never stores the address again: an old one-click link, a
    // journaled unsubscribe, a late bounce, the editor's own suppression.
    expect(await stateSuppressionList(db2).add('Priya.Raman@example.com', { reason: 'unsubscribe' })).toBe('already');
    appendToJournal(journalPath(stateFile()), { email: reader, reason: 'unsubscribe', source: 'one-click', at: 'now' });
    replayJournal(db2);
    const bounces = sqliteBounceStore(db2);
    expect(await bounces.isSuppressed(reader)).toBe(true);
    expect(await bounces.suppress(reader, { reason: 'bounce', source: 'mailbox', at: 'now' })).toBe(false);
    await bounces.insertEvent({
      eventId: 'ev2',
      issueId: '2026-W48',
      email: reader,
      kind: 'hard',
      status: '5.1.1',
      diagnostic: 'no such user',
      source: 'mailbox',
      outcome: 'suppressed',
      occurredAt: 'now',
      recordedAt: 'now',
    });
    addSuppression(db2, reader, { reason: 'manual' });
    for (const table of ['suppressions', 'bounce_events', 'reader_audit'])
      expect(JSON.stringify(db2.prepare(`SELECT * FROM ${table}`).all()).toLowerCase(), table).not.toContain('priya');
    db2.close();

    // A later list that still names the address does not reach it.
    const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json']);
    expect(sent.code, sent.all).toBe(0);
    const files = await readdir(project.path('outbox/2026-W48'));
    expect(files.some((f) => f.startsWith('priya'))).toBe(false);
    expect(files.some((f) => f.startsWith('jonas'))).toBe(true);
  });
});

describe('erasure in the bytes of the state file', () => {
  it("forget leaves no copy of the address that a send's rewritten pages kept in their free space", async () => {
    const db = openStateDb(stateFile());
    const ledger = openLedger(db, '2026-W48', 'smtp');
    const readers = Array.from({ length: 200 }, (_, i) => `f${i}@forget.example`);
    // Deferred, then sent: each row written twice, as a send with retries writes it.
    for (const status of ['deferred', 'sent'] as const)
      for (const [i, email] of readers.entries())
        ledger.record({
          email,
          variantId: 'cto',
          status,
          messageId: status === 'sent' ? `<2026-W48.${'m'.repeat(20)}${i}@rolecast.example>` : null,
          responseCode: status === 'sent' ? 250 : 451,
          response: status === 'sent' ? '250 ok' : '451 try later',
          attempts: 1,
        });
    db.close();
    const erased = [readers[3]!, readers[30]!, readers[44]!, readers[120]!, readers[199]!];
    for (const email of erased) expect((await runMain(project.dir, ['subscribers', 'forget', email])).code).toBe(0);
    const files = (await readdir(project.path('.rolecast'))).filter((name) => name.startsWith('state.db'));
    const bytes = (await Promise.all(files.map((name) => readFile(project.path('.rolecast', name))))).map((b) =>
      b.toString('latin1'),
    );
    for (const email of erased)
      expect(
        bytes.some((text) => text.includes(email)),
        email,
      ).toBe(false);
    // The others are still there, as rows.
    expect(bytes.some((text) => text.includes(readers[4]!))).toBe(true);
  });
});

describe('the store as the source of a send', () => {
  it('sends to the stored readers when no --subscribers is given, leaving out paused ones', async () => {
    expect((await runMain(project.dir, ['subscribers', 'add', 'a@example.com', '--roles', 'CTO'])).code).toBe(0);
    expect((await runMain(project.dir, ['subscribers', 'add', 'b@example.com', '--roles', 'Executive'])).code).toBe(0);
    const db = openStateDb(stateFile());
    await sqliteSubscriberStore(db).update(
      'b@example.com',
      { status: 'paused', pausedUntil: '2999-01-01T00:00:00.000Z' },
      new Date(),
    );
    db.close();
    const sent = await runMain(project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    expect(sent.out).toMatch(/readers: from the subscriber store; 1 paused reader\(s\) left out/);
    expect(await readdir(project.path('outbox/2026-W48'))).toEqual(['a@example.com.eml']);
    // The scheduler reads the same readers.
    const planned = await runMain(project.dir, [
      'send',
      'issues/2026-W48',
      '--at',
      '2026-12-07T08:00',
      '--local',
      '--dry-run',
    ]);
    expect(planned.code, planned.all).toBe(0);
    expect(planned.out).toMatch(/1 wave\(s\), 1 recipient\(s\)/);
    // check and build read the same readers.
    const checked = await runMain(project.dir, ['check', 'issues/2026-W48']);
    expect(checked.all).toMatch(/1 subscriber\(s\)/);
  });

  it('sends to, and exports on one line, a reader whose stored name holds a line break', async () => {
    expect((await runMain(project.dir, ['subscribers', 'add', 'ana@example.com', '--roles', 'CTO'])).code).toBe(0);
    // As the reader pages stored names before they refused line breaks.
    const db = openStateDb(stateFile());
    await sqliteSubscriberStore(db).update('ana@example.com', { name: 'Ana\r\nBcc: eve@example.net' }, new Date());
    db.close();
    const sent = await runMain(project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    const mail = await readFile(project.path('outbox/2026-W48/ana@example.com.eml'), 'utf8');
    expect(mail).toMatch(/^To: "?Ana Bcc: eve@example\.net"? <ana@example\.com>\r?$/m);
    expect(mail).not.toMatch(/^Bcc:/m);
    const exported = await runMain(project.dir, ['subscribers', 'export']);
    expect(exported.code, exported.all).toBe(0);
    expect(JSON.parse(exported.out).subscribers).toEqual([
      expect.objectContaining({ email: 'ana@example.com', name: 'Ana Bcc: eve@example.net' }),
    ]);
  });

  it('leaves out, and says so, a stored reader nobody signed up, imported or added', async () => {
    expect((await runMain(project.dir, ['subscribers', 'add', 'a@example.com', '--roles', 'CTO'])).code).toBe(0);
    // What the preferences page stores when an address the store does not hold saves its settings:
    // an address that moved away or was removed, opened from an old message.
    const db = openStateDb(stateFile());
    await sqliteSubscriberStore(db).insert(
      newReader('moved.away@example.com', new Date(), { roles: ['CTO'], readerChangedAt: new Date().toISOString() }),
    );
    db.close();
    const sent = await runMain(project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    expect(sent.all).toMatch(/warning: readers: 1 stored reader\(s\) with no recorded consent are left out/);
    expect(await readdir(project.path('outbox/2026-W48'))).toEqual(['a@example.com.eml']);
    // --strict refuses the send until someone decides about that reader.
    const strict = await runMain(project.dir, ['send', 'issues/2026-W48', '--strict', '--dry-run']);
    expect(strict.code, strict.all).toBe(2);
    // The hint's remedies work: a list naming the address records consent (without --update too),
    // and so does `subscribers add`.
    const list = await project.write(
      'more.json',
      JSON.stringify([{ email: 'moved.away@example.com', roles: ['CTO'] }]),
    );
    expect((await runMain(project.dir, ['subscribers', 'import', list])).code).toBe(0);
    const db2 = openStateDb(stateFile());
    await sqliteSubscriberStore(db2).insert(newReader('kept@example.com', new Date(), { roles: ['CTO'] }));
    db2.close();
    const added = await runMain(project.dir, ['subscribers', 'add', 'kept@example.com', '--roles', 'Executive']);
    expect(added.code, added.all).toBe(0);
    const again = await runMain(project.dir, ['send', 'issues/2026-W48', '--dry-run']);
    expect(again.code, again.all).toBe(0);
    expect(again.all).not.toMatch(/no recorded consent/);
    // moved.away@ (CTO) and kept@ (Executive) are planned now; a@ was sent above.
    expect(again.all).toMatch(/^cto +1 /m);
    expect(again.all).toMatch(/^executive +1 /m);
  });

  it('import makes a signup nobody confirmed a reader when the editor’s list names it, so the purge keeps it', async () => {
    const db = openStateDb(stateFile());
    const consent = { at: new Date().toISOString(), method: 'form' as const, wording: null };
    await sqliteSubscriberStore(db).insert(
      newReader('lee@example.com', new Date(), {
        name: 'Typed by anyone',
        roles: ['Product Manager'],
        status: 'pending',
        consent,
        confirmNonce: 'n0nce',
      }),
    );
    db.close();
    // The list's fields win over what the unconfirmed form held, as for an address new to the store.
    await project.write('lee.json', JSON.stringify([{ email: 'lee@example.com', name: 'Lee Ng', roles: ['CTO'] }]));
    const imported = await runMain(project.dir, ['subscribers', 'import', 'lee.json']);
    expect(imported.code, imported.all).toBe(0);
    expect(imported.out).toMatch(/1 updated/);
    const listed = await runMain(project.dir, ['subscribers', 'list', '--json']);
    expect(JSON.parse(listed.out)).toEqual([
      expect.objectContaining({
        email: 'lee@example.com',
        name: 'Lee Ng',
        roles: ['CTO'],
        status: 'active',
        consent: expect.objectContaining({ method: 'import' }),
      }),
    ]);
    const sent = await runMain(project.dir, ['send', 'issues/2026-W48']);
    expect(sent.code, sent.all).toBe(0);
    expect(await readdir(project.path('outbox/2026-W48'))).toEqual(['lee@example.com.eml']);
  });

  it('export leaves out addresses nobody consented to, and warns about paused readers it writes as active', async () => {
    expect((await runMain(project.dir, ['subscribers', 'add', 'a@example.com', '--roles', 'CTO'])).code).toBe(0);
    const db = openStateDb(stateFile());
    const store = sqliteSubscriberStore(db);
    await store.insert(newReader('kept.by.page@example.com', new Date(), { roles: ['CTO'] }));
    const consent = { at: new Date().toISOString(), method: 'cli' as const, wording: null };
    const pausedUntil = new Date(Date.now() + 7 * 86_400_000).toISOString();
    await store.insert(
      newReader('pat@example.com', new Date(), { roles: ['CTO'], status: 'paused', pausedUntil, consent }),
    );
    db.close();
    const exported = await runMain(project.dir, ['subscribers', 'export']);
    expect(exported.code, exported.all).toBe(0);
    const emails = (JSON.parse(exported.out) as { subscribers: { email: string }[] }).subscribers.map((s) => s.email);
    expect(emails.sort()).toEqual(['a@example.com', 'pat@example.com']);
    expect(exported.err).toMatch(/left out 1 stored address/);
    expect(exported.err).toMatch(/warning: 1 paused reader\(s\) written as active/);
  });

  it('a reader the file says unsubscribed is not brought back by settings saved later without a new opt-in', async () => {
    await project.write(
      'subs.json',
      JSON.stringify([
        { email: 'a@example.com', roles: ['CTO'] },
        { email: 'left@example.com', roles: ['CTO'], status: 'unsubscribed' },
        { email: 'back@example.com', roles: ['CTO'], status: 'unsubscribed' },
      ]),
    );
    const db = openStateDb(stateFile());
    const store = sqliteSubscriberStore(db);
    const later = new Date(Date.now() + 60_000);
    // Both saved their settings page (an old link) after the file; only one confirmed a new signup.
    for (const email of ['left@example.com', 'back@example.com'])
      await store.insert({ ...newReader(email, later, { roles: ['CTO'] }), readerChangedAt: later.toISOString() });
    await store.update('back@example.com', { confirmedAt: later.toISOString() }, later);
    db.close();
    const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'subs.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    const report = JSON.parse(sent.out) as { total: { sent: number; skipped: { unsubscribed: number } } };
    expect(report.total.sent).toBe(2);
    expect(report.total.skipped.unsubscribed).toBe(1);
    expect((await readdir(project.path('outbox/2026-W48'))).sort()).toEqual([
      'a@example.com.eml',
      'back@example.com.eml',
    ]);
  });

  it("with --subscribers FILE, a reader's own later changes in the store win and are counted", async () => {
    const file = await project.write(
      'subs.json',
      JSON.stringify([
        { email: 'a@example.com', roles: ['CTO'] },
        { email: 'b@example.com', roles: ['CTO'] },
      ]),
    );
    expect((await runMain(project.dir, ['subscribers', 'import', 'subs.json'])).code).toBe(0);
    const db = openStateDb(stateFile());
    const later = new Date(Date.now() + 60_000);
    await sqliteSubscriberStore(db).update(
      'b@example.com',
      { status: 'unsubscribed', readerChangedAt: later.toISOString() },
      later,
    );
    db.close();
    expect(file).toContain('subs.json');
    const sent = await runMain(project.dir, ['send', 'issues/2026-W48', '--subscribers', 'subs.json', '--json']);
    expect(sent.code, sent.all).toBe(0);
    const report = JSON.parse(sent.out) as {
      readers: { overrides: number };
      total: { sent: number; skipped: { unsubscribed: number } };
    };
    expect(report.readers.overrides).toBe(1);
    expect(report.total.sent).toBe(1);
    expect(report.total.skipped.unsubscribed).toBe(1);
  });
});
