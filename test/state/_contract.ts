import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import type { Wave } from '../../src/schedule/plan.js';
import { MAY_HAVE_BEEN_DELIVERED } from '../../src/send/ledger.js';
import type { LedgerEntry } from '../../src/state/contract.js';
import { hashedAddress } from '../../src/store/hash.js';
import { sentEntry } from '../helpers/ledger.js';
import type { Backend } from './_backends.js';

/** Every behaviour of the storage contract, run once per backend (contract.test.ts). */

const ISSUE = '2026-W48';

function entry(email: string, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return sentEntry(email, { messageId: `<${email}>`, response: '250 OK', ...extra });
}

function clock(start: string) {
  let time = Date.parse(start);
  return { now: () => new Date(time), advance: (ms: number) => (time += ms) };
}

function wave(utc: string, count: number, zones: string[]): Wave {
  return {
    utc,
    utcMs: Date.parse(utc),
    count,
    emails: [],
    zones: zones.map((zone) => ({ zone, count, local: utc, adjusted: undefined })),
  } as unknown as Wave;
}

async function lockError(work: Promise<unknown>): Promise<RolecastError | undefined> {
  try {
    await work;
    return undefined;
  } catch (error) {
    if (error instanceof RolecastError) return error;
    throw error;
  }
}

export function contractTests(b: Backend): void {
  it('records a batch under canonical addresses and reads it back', async () => {
    const store = await b.open();
    const ledger = store.ledger(ISSUE, 'smtp');
    await ledger.recordMany([
      entry(' Reader@Example.COM '),
      entry('ünï@Bücher.example', { status: 'failed', responseCode: 550, response: '550 no such user' }),
    ]);
    expect(await ledger.recorded()).toEqual(
      new Map([
        ['reader@example.com', 'sent'],
        ['ünï@xn--bcher-kva.example', 'failed'],
      ]),
    );
    // Another channel of the same issue is another ledger.
    expect(await store.ledger(ISSUE, 'outbox').recorded()).toEqual(new Map());
    expect(await b.rows("SELECT email FROM deliveries WHERE email LIKE 'reader%'")).toEqual([
      { email: 'reader@example.com' },
    ]);
  });

  it('merges rows for one address in a batch: sent wins, attempts add up', async () => {
    const store = await b.open();
    const ledger = store.ledger(ISSUE, 'smtp');
    await ledger.recordMany([
      entry('a@example.com', { status: 'deferred', attempts: 2, response: '451 later', responseCode: 451 }),
      entry('A@example.com', { status: 'sent', attempts: 1 }),
      entry('a@example.com', { status: 'failed', attempts: 1, response: '550 no', responseCode: 550 }),
    ]);
    const rows = await b.rows('SELECT email, status, attempts, response FROM deliveries');
    expect(rows).toEqual([{ email: 'a@example.com', status: 'sent', attempts: 4, response: '250 OK' }]);
  });

  it('a later batch replaces the status and adds to the attempts of a stored row', async () => {
    const store = await b.open();
    const ledger = store.ledger(ISSUE, 'smtp');
    await ledger.recordMany([entry('b@example.com', { status: 'deferred', attempts: 3, responseCode: 451 })]);
    await ledger.recordMany([entry('B@Example.com', { status: 'sent', attempts: 1 })]);
    expect(await b.rows('SELECT status, attempts, response_code FROM deliveries')).toEqual([
      { status: 'sent', attempts: 4, response_code: 250 },
    ]);
  });

  it('sent is final: a later failed or deferred outcome for the reader never downgrades a sent row', async () => {
    const store = await b.open();
    const ledger = store.ledger(ISSUE, 'smtp');
    await ledger.recordMany([entry('kept@example.com', { messageId: '<first@x>' })]);
    await ledger.recordMany([
      entry('Kept@example.com', { status: 'deferred', attempts: 2, responseCode: 451, response: '451 later' }),
    ]);
    await ledger.recordMany([entry('kept@example.com', { status: 'failed', responseCode: 550, response: '550 no' })]);
    expect(await ledger.recorded()).toEqual(new Map([['kept@example.com', 'sent']]));
    expect(await b.rows('SELECT status, message_id, response_code, response, attempts FROM deliveries')).toEqual([
      { status: 'sent', message_id: '<first@x>', response_code: 250, response: '250 OK', attempts: 1 },
    ]);
    // A later acceptance (a resend) still replaces it.
    await ledger.recordMany([entry('kept@example.com', { messageId: '<again@x>', response: '250 again' })]);
    expect(await b.rows('SELECT status, message_id, response, attempts FROM deliveries')).toEqual([
      { status: 'sent', message_id: '<again@x>', response: '250 again', attempts: 2 },
    ]);
  });

  it('names the readers whose message may have been delivered, until a later outcome replaces it', async () => {
    const store = await b.open();
    const ledger = store.ledger(ISSUE, 'smtp');
    const unsure = `Connection closed (no reply after the whole message was sent: ${MAY_HAVE_BEEN_DELIVERED}, so it is not sent again in this run)`;
    await ledger.recordMany([
      entry('Maybe@Example.com', { status: 'deferred', response: unsure }),
      entry('later@example.com', { status: 'deferred', response: '451 4.3.0 try again later' }),
      entry('taken@example.com'),
    ]);
    expect(await ledger.maybeDelivered()).toEqual(['maybe@example.com']);
    expect(await store.ledger(ISSUE, 'outbox').maybeDelivered()).toEqual([]);
    await ledger.recordMany([entry('maybe@example.com')]);
    expect(await ledger.maybeDelivered()).toEqual([]);
  });

  it('writes a batch all or nothing', async () => {
    const store = await b.open();
    const ledger = store.ledger(ISSUE, 'smtp');
    const bad = entry('bad@example.com', { status: 'bogus' as LedgerEntry['status'] });
    await expect(ledger.recordMany([entry('good@example.com'), bad])).rejects.toThrow();
    expect(await ledger.recorded()).toEqual(new Map());
  });

  it('tells which addresses a resend already reached, and resumes an unfinished resend', async () => {
    const time = clock('2026-11-30T08:00:00.000Z');
    const store = await b.open();
    const ledger = store.ledger(ISSUE, 'smtp', time.now);
    await ledger.recordMany([entry('early@example.com')]);
    time.advance(60_000);
    const since = time.now().toISOString();
    await ledger.startRun(3, since);
    await ledger.recordMany([entry('Late@example.com'), entry('refused@example.com', { status: 'failed' })]);
    expect(await ledger.sentSince(since)).toEqual(new Set(['late@example.com']));
    expect(await ledger.unfinishedResend()).toBe(since);
    await ledger.finishRun('interrupted');
    expect(await ledger.unfinishedResend()).toBe(since);
    await ledger.finishRun('complete');
    expect(await ledger.unfinishedResend()).toBeUndefined();
    await ledger.startRun(3);
    expect(await ledger.unfinishedResend()).toBeUndefined();
  });

  it('keeps an interrupted resend open across a plain run, until a resend completes', async () => {
    const time = clock('2026-11-30T08:00:00.000Z');
    const store = await b.open();
    const ledger = store.ledger(ISSUE, 'smtp', time.now);
    const since = time.now().toISOString();
    await ledger.startRun(3, since);
    await ledger.finishRun('interrupted');
    time.advance(60_000);
    await ledger.startRun(4);
    expect(await ledger.unfinishedResend()).toBe(since);
    await ledger.finishRun('complete');
    expect(await ledger.unfinishedResend()).toBe(since);
    // `status` names it too, though the last run was a plain one that completed.
    expect((await store.status(ISSUE))[0]).toMatchObject({ openResend: since, lastRun: { outcome: 'complete' } });
    await ledger.startRun(4, since);
    await ledger.finishRun('failed');
    expect(await ledger.unfinishedResend()).toBe(since);
    // A resend of part of the list (a segment) completes only that part.
    await ledger.startRun(4, since);
    await ledger.finishRun('complete', true);
    expect(await ledger.unfinishedResend()).toBe(since);
    await ledger.startRun(4, since);
    await ledger.finishRun('complete');
    expect(await ledger.unfinishedResend()).toBeUndefined();
  });

  it('tells the latest time a row was written', async () => {
    const time = clock('2026-11-30T08:00:00.000Z');
    const store = await b.open();
    const ledger = store.ledger(ISSUE, 'smtp', time.now);
    expect(await ledger.latestStamp()).toBeUndefined();
    await ledger.recordMany([entry('a@example.com')]);
    time.advance(90_000);
    await ledger.recordMany([entry('b@example.com', { status: 'failed' })]);
    expect(await ledger.latestStamp()).toBe('2026-11-30T08:01:30.000Z');
    expect(await store.ledger(ISSUE, 'outbox').latestStamp()).toBeUndefined();
  });

  it('reports the status of an issue per channel, with every failure', async () => {
    const time = clock('2026-11-30T08:00:00.000Z');
    const store = await b.open();
    expect(await store.status(ISSUE)).toEqual([]);
    const smtp = store.ledger(ISSUE, 'smtp', time.now);
    await smtp.startRun(5);
    await smtp.recordMany([
      entry('one@example.com'),
      entry('two@example.com'),
      entry('zed@example.com', { status: 'failed', responseCode: 550, response: '550 unknown' }),
      entry('amy@example.com', { status: 'deferred', responseCode: 451, response: '451 later', attempts: 4 }),
    ]);
    await smtp.finishRun('failed');
    await store.ledger(ISSUE, 'outbox', time.now).recordMany([entry('one@example.com')]);
    const status = await store.status(ISSUE);
    expect(status.map((c) => c.channel)).toEqual(['smtp', 'outbox']);
    expect(status[0]).toMatchObject({
      planned: 5,
      sent: 2,
      failed: 1,
      deferred: 1,
      // Five planned: two sent, one failed, one deferred (counted there only), one not tried.
      pending: 1,
      lastRun: { startedAt: '2026-11-30T08:00:00.000Z', outcome: 'failed', resendStartedAt: null },
    });
    expect(status[0]!.failures.map((f) => [f.email, f.status, f.attempts, f.response])).toEqual([
      ['amy@example.com', 'deferred', 4, '451 later'],
      ['zed@example.com', 'failed', 1, '550 unknown'],
    ]);
    expect(status[1]).toMatchObject({ channel: 'outbox', sent: 1, planned: undefined, pending: undefined });
  });

  it('takes the send lock once; a second take in the same process is refused until release', async () => {
    const store = await b.open();
    const lock = await store.lock(ISSUE);
    expect(lock.tookOverFrom).toBeUndefined();
    const refused = await lockError(store.lock(ISSUE));
    expect(refused?.code).toBe('E_LOCKED');
    expect(refused?.message).toContain(`pid ${process.pid} on ${hostname()}`);
    if (b.name === 'sqlite') expect(refused?.hint).toMatch(/PostgreSQL \(DATABASE_URL/);
    // Another issue has its own lock.
    await (await store.lock('2026-W49')).release();
    await lock.release();
    await (await store.lock(ISSUE)).release();
    expect(await b.rows('SELECT * FROM locks')).toEqual([]);
  });

  it('takes over a lock left by a process that is gone, and one on another host only with breakLock', async () => {
    const store = await b.open();
    // A pid far above pid_max: no such process on this host.
    await b.exec(
      `INSERT INTO locks (issue_id, pid, host, token, started_at) VALUES ('${ISSUE}', 99999999, '${hostname()}', 'gone', '2026-11-30T07:00:00.000Z')`,
    );
    const taken = await store.lock(ISSUE);
    expect(taken.tookOverFrom).toBeUndefined();
    await taken.release();
    await b.exec(
      `INSERT INTO locks (issue_id, pid, host, token, started_at) VALUES ('${ISSUE}', 42, 'elsewhere.example', 'remote', '2026-11-30T07:00:00.000Z')`,
    );
    const refused = await lockError(store.lock(ISSUE));
    expect(refused?.code).toBe('E_LOCKED');
    expect(refused?.hint).toContain('--break-lock');
    const broken = await store.lock(ISSUE, { breakLock: true });
    expect(broken.tookOverFrom).toEqual({ pid: 42, host: 'elsewhere.example', startedAt: '2026-11-30T07:00:00.000Z' });
    await broken.release();
  });

  it('suppresses canonical addresses; the first reason wins', async () => {
    const store = await b.open();
    const at = new Date('2026-11-30T08:00:00.000Z');
    expect(
      await store.suppressions.add('Reader@Example.com', { reason: 'unsubscribe', source: 'one-click', now: at }),
    ).toBe(true);
    expect(await store.suppressions.add('reader@example.com ', { reason: 'bounce', source: 'dsn' })).toBe(false);
    expect(await store.suppressions.isSuppressed('READER@example.com')).toBe(true);
    expect(await store.suppressions.isSuppressed('other@example.com')).toBe(false);
    expect(await store.suppressions.list()).toEqual([
      {
        email: 'reader@example.com',
        reason: 'unsubscribe',
        source: 'one-click',
        createdAt: '2026-11-30T08:00:00.000Z',
      },
    ]);
  });

  it('matches the hashed entry an erased address left, in every read', async () => {
    const store = await b.open();
    await b.exec(
      `INSERT INTO suppressions (email, reason, source, created_at) VALUES ('${hashedAddress('gone@example.com')}', 'erased', 'forget', '2026-11-30T08:00:00.000Z')`,
    );
    expect(await store.suppressions.isSuppressed('Gone@Example.com')).toBe(true);
    const index = await store.suppressions.index();
    expect(index.isSuppressed('gone@example.com')).toBe(true);
    expect(index.reason('GONE@example.com')).toBe('erased');
    expect(index.isSuppressed('kept@example.com')).toBe(false);
    // Already suppressed through its hash: not added again in plain text.
    expect(await store.suppressions.add('gone@example.com', { reason: 'unsubscribe' })).toBe(false);
    expect(await store.suppressions.addMany([{ email: 'gone@example.com', reason: 'import' }], 'cli')).toEqual({
      added: 0,
      already: 1,
      takenOver: 0,
    });
    expect(await b.rows("SELECT COUNT(*) AS n FROM suppressions WHERE email = 'gone@example.com'")).toEqual([{ n: 0 }]);
    expect(await store.suppressions.remove('gone@example.com')).toBe(true);
    expect(await store.suppressions.isSuppressed('gone@example.com')).toBe(false);
  });

  it("takes a reader's own unsubscribe over as the editor's, and nothing else", async () => {
    const store = await b.open();
    await store.suppressions.add('left@example.com', { reason: 'unsubscribe', source: 'one-click' });
    await store.suppressions.add('bounced@example.com', { reason: 'bounce', source: 'ses' });
    const result = await store.suppressions.addMany(
      [
        { email: 'LEFT@example.com', reason: 'asked by phone' },
        { email: 'bounced@example.com', reason: 'manual' },
      ],
      'cli',
    );
    expect(result).toEqual({ added: 0, already: 2, takenOver: 1 });
    const list = await store.suppressions.list();
    expect(list.map((e) => [e.email, e.reason, e.source]).sort()).toEqual([
      ['bounced@example.com', 'bounce', 'ses'],
      ['left@example.com', 'asked by phone', 'cli'],
    ]);
  });

  it('adds many in one go, counting those already there and repeated ones', async () => {
    const store = await b.open();
    await store.suppressions.add('old@example.com', { reason: 'bounce', now: new Date('2026-11-30T10:00:00.000Z') });
    const result = await store.suppressions.addMany(
      [
        { email: 'old@example.com', reason: 'import' },
        { email: 'new@example.com', reason: 'import' },
        { email: 'NEW@example.com', reason: 'import' },
        { email: 'b@example.com', reason: 'complaint' },
      ],
      'import:list.csv',
      new Date('2026-11-30T09:00:00.000Z'),
    );
    expect(result).toEqual({ added: 2, already: 2, takenOver: 0 });
    const list = await store.suppressions.list();
    // Oldest first, then by address.
    expect(list.map((e) => [e.email, e.reason, e.source])).toEqual([
      ['b@example.com', 'complaint', 'import:list.csv'],
      ['new@example.com', 'import', 'import:list.csv'],
      ['old@example.com', 'bounce', 'one-click'],
    ]);
    const index = await store.suppressions.index();
    expect(index.reason('b@example.com')).toBe('complaint');
    expect(await store.suppressions.remove('nobody@example.com')).toBe(false);
  });

  it('tells a send which addresses were suppressed after it looked, removals and all', async () => {
    const store = await b.open();
    await store.suppressions.add('before@example.com', { reason: 'unsubscribe' });
    const start = (await store.suppressions.addedSince(undefined)).cursor;
    await store.suppressions.add('during@example.com', { reason: 'bounce' });
    const first = await store.suppressions.addedSince(start);
    expect(first.added).toContainEqual({ email: 'during@example.com', reason: 'bounce' });
    // A removal and a new entry between two looks: the new one is still told.
    await store.suppressions.remove('during@example.com');
    await store.suppressions.add('later@example.com', { reason: 'complaint' });
    const second = await store.suppressions.addedSince(first.cursor);
    expect(second.added).toContainEqual({ email: 'later@example.com', reason: 'complaint' });
    // Removed at the top, then two added: the one given the removed entry's place is told too.
    await store.suppressions.remove('later@example.com');
    await store.suppressions.add('one@example.com', { reason: 'unsubscribe' });
    await store.suppressions.add('two@example.com', { reason: 'unsubscribe' });
    const third = (await store.suppressions.addedSince(second.cursor)).added.map((row) => row.email);
    expect(third).toEqual(expect.arrayContaining(['one@example.com', 'two@example.com']));
  });

  it('keeps scheduled waves: registering again keeps their status', async () => {
    const time = clock('2026-11-29T12:00:00.000Z');
    const store = await b.open();
    expect(await store.scheduledChannels(ISSUE)).toEqual([]);
    const waves = store.waves(ISSUE, 'smtp', time.now);
    const plan = [
      wave('2026-11-30T07:00:00.000Z', 2, ['Europe/Berlin']),
      wave('2026-11-30T13:00:00.000Z', 1, ['America/New_York']),
    ];
    expect(await waves.register(plan)).toEqual(
      new Map([
        ['2026-11-30T07:00:00.000Z', 'pending'],
        ['2026-11-30T13:00:00.000Z', 'pending'],
      ]),
    );
    await waves.mark('2026-11-30T07:00:00.000Z', 'sent');
    await waves.mark('2026-11-30T13:00:00.000Z', 'failed', '1 message(s) not delivered yet');
    expect((await waves.register(plan)).get('2026-11-30T07:00:00.000Z')).toBe('sent');
    expect(await waves.list()).toEqual([
      {
        waveUtc: '2026-11-30T07:00:00.000Z',
        status: 'sent',
        recipients: 2,
        zones: ['Europe/Berlin'],
        detail: null,
        updatedAt: '2026-11-29T12:00:00.000Z',
      },
      {
        waveUtc: '2026-11-30T13:00:00.000Z',
        status: 'failed',
        recipients: 1,
        zones: ['America/New_York'],
        detail: '1 message(s) not delivered yet',
        updatedAt: '2026-11-29T12:00:00.000Z',
      },
    ]);
    await store.waves(ISSUE, 'outbox', time.now).register([plan[0]!]);
    expect(await store.scheduledChannels(ISSUE)).toEqual(['smtp', 'outbox']);
  });

  it('drops a stored wave that never started once the plan no longer has it, and keeps started ones', async () => {
    const time = clock('2026-11-29T12:00:00.000Z');
    const store = await b.open();
    const waves = store.waves(ISSUE, 'smtp', time.now);
    const kolkata = wave('2026-11-30T02:30:00.000Z', 1, ['Asia/Kolkata']);
    const berlin = wave('2026-11-30T07:00:00.000Z', 1, ['Europe/Berlin']);
    const york = wave('2026-11-30T13:00:00.000Z', 1, ['America/New_York']);
    await waves.register([kolkata, berlin, york]);
    await waves.mark(kolkata.utc, 'sent');
    await waves.mark(york.utc, 'failed', '1 message(s) not delivered yet');
    // Berlin's and New York's readers moved to Kolkata: the plan holds one wave.
    expect(await waves.register([wave(kolkata.utc, 3, ['Asia/Kolkata'])])).toEqual(
      new Map([
        [kolkata.utc, 'sent'],
        [york.utc, 'failed'],
      ]),
    );
    expect((await waves.list()).map((w) => [w.waveUtc, w.recipients])).toEqual([
      [kolkata.utc, 3],
      [york.utc, 1],
    ]);
  });

  it('records the layout of an issue once, updating it when sent again', async () => {
    const store = await b.open();
    const layout = {
      variants: [{ id: 'cto', roles: ['CTO'], sections: [{ role: 'CTO', summaryIds: ['s1'] }] }],
      summaries: [{ id: 's1', roles: ['CTO'], topics: ['ai'] }],
    };
    await store.recordLayout(ISSUE, layout, new Date('2026-11-30T08:00:00.000Z'));
    await store.recordLayout(ISSUE, layout, new Date('2026-11-30T09:00:00.000Z'));
    expect(await b.rows('SELECT issue_id, variant_id, roles, recorded_at FROM issue_variants')).toEqual([
      { issue_id: ISSUE, variant_id: 'cto', roles: '["CTO"]', recorded_at: '2026-11-30T08:00:00.000Z' },
    ]);
    expect(await b.rows('SELECT summary_id, topics FROM issue_summaries')).toEqual([
      { summary_id: 's1', topics: '["ai"]' },
    ]);
  });

  it("keeps each role set's first decision on ?v=, whatever later runs of the issue record", async () => {
    const store = await b.open();
    const variant = (id: string, clicksTagged?: boolean) => ({
      id,
      roles: [id],
      sections: [{ role: id, summaryIds: ['s1'] }],
      clicksTagged,
    });
    const summaries = [{ id: 's1', roles: ['CTO'], topics: [] }];
    const at = new Date('2026-11-30T08:00:00.000Z');
    await store.recordLayout(
      ISSUE,
      { variants: [variant('lone', false), variant('pair', true), variant('old')], summaries },
      at,
    );
    await store.recordLayout(
      ISSUE,
      { variants: [variant('lone', true), variant('pair', false), variant('old', true)], summaries },
      at,
    );
    expect(Object.fromEntries(await store.clickTags(ISSUE))).toEqual({ lone: false, pair: true, old: true });
    expect((await store.clickTags('2026-W01')).size).toBe(0);
  });

  it('records what an earlier run listed as accepted but unrecorded, once', async () => {
    const store = await b.open();
    expect(store.sideFileBase).toBeDefined();
    const file = `${store.sideFileBase}.unrecorded.jsonl`;
    const line = {
      issueId: ISSUE,
      channel: 'smtp',
      email: 'Lost@Example.com',
      variantId: 'cto',
      messageId: '<lost@example.com>',
      at: '2026-11-30T08:00:00.000Z',
    };
    await writeFile(file, `${JSON.stringify(line)}\n`);
    const pending = await store.applyPending(() => new Date('2026-11-30T09:00:00.000Z'));
    expect(pending).toMatchObject({ unrecorded: 1, unrecordedFile: file });
    expect(await store.ledger(ISSUE, 'smtp').recorded()).toEqual(new Map([['lost@example.com', 'sent']]));
    expect((await store.applyPending(() => new Date())).unrecorded).toBe(0);
  });

  it('names a failed write for the person: a RolecastError, never the raw driver error', async () => {
    const store = await b.open();
    const explained = store.explain(
      Object.assign(new Error('disk I/O error'), { code: b.name === 'sqlite' ? 'SQLITE_IOERR' : '08006' }),
    );
    expect(explained).toBeInstanceOf(RolecastError);
    expect((explained as RolecastError).exitCode).toBe(3);
    const bug = new TypeError('a bug');
    if (b.name === 'sqlite') expect(store.explain(bug)).toBe(bug);
    expect(store.description).not.toMatch(/:[^:@/]+@/);
  });
}
