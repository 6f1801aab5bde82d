import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import {
  applyEvents,
  type BounceEvent,
  countDecisions,
  emptyHints,
  importBounces,
  readMailbox,
  softInARow,
  sqliteBounceStore,
} from '../../src/bounces/index.js';
import { returnPathFor } from '../../src/bounces/verp.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { openLedger } from '../../src/send/ledger.js';
import { messageIdFor } from '../../src/send/message.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { unsubscribeRequestMail } from '../helpers/bounces.js';
import { sentEntry } from '../helpers/ledger.js';
import { REPO_ROOT } from '../helpers/project.js';

const FIXTURES = join(REPO_ROOT, 'test/bounces/fixtures');
const NOW = new Date('2026-12-01T12:00:00Z');
let dir: string;
let db: StateDb;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-bounces-'));
  db = openStateDb(join(dir, 'state.db'));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const fixture = (name: string) => readFile(join(FIXTURES, name), 'latin1');
const options = { source: 'import:test', softLimit: 3, now: NOW };

function deliver(issueId: string, email: string, at: string, messageId: string | null = null) {
  openLedger(db, issueId, 'smtp', () => new Date(at)).record(
    sentEntry(email, { variantId: 'v1', messageId, response: '250 ok' }),
  );
}

function soft(eventId: string, email: string, messageId: string): BounceEvent {
  return {
    eventId,
    kind: 'soft',
    address: email,
    status: '4.2.2',
    diagnostic: '452 4.2.2 Mailbox full',
    source: 'test',
    at: NOW,
    hints: { ...emptyHints(), messageIds: [messageId] },
  };
}

describe('bounces import', () => {
  it('reads a folder of .eml files; hard bounces and complaints suppress at once, each decision stored with status and diagnostic', async () => {
    deliver(
      '2026-W48',
      'gone.reader@example.org',
      '2026-11-30T07:00:00Z',
      '<2026-W48.postfixfixture000000000@rolecast.example>',
    );
    const summary = await importBounces(FIXTURES, sqliteBounceStore(db), options);
    const counts = countDecisions(summary.decisions);
    expect(summary.messages).toBe(8);
    expect(counts).toMatchObject({ hard: 5, soft: 1, complaint: 1, suppressed: 6, duplicate: 0, unmatched: 0 });
    expect(summary.ignored.map((i) => i.origin)).toEqual([join(FIXTURES, 'gmail-delay.eml')]);

    const rows = db.prepare('SELECT email, reason, source FROM suppressions ORDER BY email').all();
    expect(rows).toContainEqual({ email: 'gone.reader@example.org', reason: 'bounce', source: 'import:test' });
    expect(rows).toContainEqual({ email: 'annoyed.reader@yahoo.com', reason: 'complaint', source: 'import:test' });
    expect(rows.map((r) => (r as { email: string }).email)).not.toContain('full.box@example.net');

    const events = await sqliteBounceStore(db).events();
    const gone = events.find((e) => e.email === 'gone.reader@example.org')!;
    // The ledger knew the Message-ID: the bounce is tied to its issue.
    expect(gone).toMatchObject({ issueId: '2026-W48', kind: 'hard', status: '5.1.1', outcome: 'suppressed' });
    expect(gone.diagnostic).toContain('User unknown in local recipient table');
    expect(events.find((e) => e.email === 'full.box@example.net')).toMatchObject({
      kind: 'soft',
      outcome: 'counted',
      issueId: null,
    });
  });

  it('is idempotent: importing the same files again changes nothing', async () => {
    await importBounces(FIXTURES, sqliteBounceStore(db), options);
    const snapshot = () => ({
      events: db.prepare('SELECT * FROM bounce_events ORDER BY event_id').all(),
      suppressions: db.prepare('SELECT * FROM suppressions ORDER BY email').all(),
    });
    const before = snapshot();
    const again = await importBounces(FIXTURES, sqliteBounceStore(db), {
      ...options,
      now: new Date('2026-12-02T00:00:00Z'),
    });
    expect(countDecisions(again.decisions)).toMatchObject({
      duplicate: 7,
      hard: 0,
      soft: 0,
      complaint: 0,
      suppressed: 0,
    });
    expect(snapshot()).toEqual(before);
  });

  it('reads mbox (with >From unescaped) and Maildir cur/new', async () => {
    const postfix = await fixture('postfix-hard.eml');
    const yahoo = await fixture('yahoo-failure-notice.eml');
    const mbox = [
      'From MAILER-DAEMON Mon Nov 30 09:12:45 2026',
      postfix,
      'From MAILER-DAEMON Mon Nov 30 09:20:11 2026',
      yahoo.replace('(body)', '>From the editors: hello'),
      '',
    ].join('\n');
    await writeFile(join(dir, 'bounces.mbox'), mbox);
    const messages = [...readMailbox(join(dir, 'bounces.mbox'))];
    expect(messages.map((m) => m.origin)).toEqual([`${join(dir, 'bounces.mbox')}#1`, `${join(dir, 'bounces.mbox')}#2`]);
    expect(messages[1]!.raw.toString('latin1')).toContain('\nFrom the editors: hello');

    const maildir = join(dir, 'Maildir');
    for (const sub of ['cur', 'new', 'tmp']) await mkdir(join(maildir, sub), { recursive: true });
    await writeFile(join(maildir, 'cur', '1764490365.M1P1.host:2,S'), postfix);
    await writeFile(join(maildir, 'new', '1764490411.M2P1.host'), yahoo);
    await writeFile(join(maildir, 'tmp', 'half-written'), 'From: x\n');
    const summary = await importBounces(maildir, sqliteBounceStore(db), options);
    expect(summary.messages).toBe(2);
    expect(summary.decisions.map((d) => ('email' in d ? d.email : d.outcome)).sort()).toEqual([
      'closed.account@yahoo.com',
      'gone.reader@example.org',
    ]);
  });
});

describe('soft bounces', () => {
  const reader = 'full.box@example.net';

  it('suppress after softLimit issues in a row; a delivery without a bounce in between resets the count', async () => {
    const store = sqliteBounceStore(db);
    const issues = ['2026-W44', '2026-W45', '2026-W46', '2026-W47', '2026-W48'];
    for (const [i, issue] of issues.entries())
      deliver(issue, reader, `2026-11-0${i + 1}T08:00:00Z`, `<${issue}.x@rolecast.example>`);
    const run = async (issue: string) =>
      (await applyEvents(store, [soft(`e-${issue}`, reader, `<${issue}.x@rolecast.example>`)], options))[0]!;

    expect(await run('2026-W44')).toMatchObject({ outcome: 'counted', inARow: 1 });
    // W45 was delivered without a bounce: the count starts again at W46.
    expect(await run('2026-W46')).toMatchObject({ outcome: 'counted', inARow: 1 });
    expect(await run('2026-W47')).toMatchObject({ outcome: 'counted', inARow: 2 });
    expect(await store.isSuppressed(reader)).toBe(false);
    expect(await run('2026-W48')).toMatchObject({ outcome: 'suppressed', inARow: 3 });
    expect(db.prepare('SELECT reason FROM suppressions WHERE email = ?').pluck().get(reader)).toBe('soft-bounce');
  });

  it('the same soft bounce delivered twice counts once', async () => {
    const store = sqliteBounceStore(db);
    deliver('2026-W47', reader, '2026-11-20T08:00:00Z', '<a@x>');
    const first = await applyEvents(store, [soft('same', reader, '<a@x>')], options);
    const again = await applyEvents(store, [soft('same', reader, '<a@x>')], options);
    expect(first[0]).toMatchObject({ outcome: 'counted', inARow: 1 });
    expect(again[0]).toEqual({ outcome: 'duplicate', eventId: 'same' });
    expect(await store.events()).toHaveLength(1);
  });

  it('takes a soft bounce without a known issue as about the last issue delivered before it (pure rule)', () => {
    const history = {
      deliveries: [{ issueId: 'A', at: '2026-11-01T00:00:00Z' }],
      events: [{ eventId: 'x', issueId: null, kind: 'soft' as const, at: '2026-11-10T00:00:00Z' }],
    };
    // One message's retries on several days, even across midnight, are one issue.
    expect(softInARow(history, { issueId: null, eventId: 'y', at: '2026-11-17T00:00:00Z' })).toBe(1);
    // A later issue delivered before the newest bounce is the one it is about: two in a row.
    const next = { ...history, deliveries: [...history.deliveries, { issueId: 'B', at: '2026-11-12T00:00:00Z' }] };
    expect(softInARow(next, { issueId: null, eventId: 'y', at: '2026-11-17T00:00:00Z' })).toBe(2);
    // One bounce for each of three weekly issues: three in a row, though none names its issue.
    const weekly = {
      deliveries: [
        { issueId: 'A', at: '2026-11-01T08:00:00Z' },
        { issueId: 'B', at: '2026-11-08T08:00:00Z' },
        { issueId: 'C', at: '2026-11-15T08:00:00Z' },
      ],
      events: [
        { eventId: 'a', issueId: null, kind: 'soft' as const, at: '2026-11-01T09:00:00Z' },
        { eventId: 'b', issueId: null, kind: 'soft' as const, at: '2026-11-08T09:00:00Z' },
      ],
    };
    expect(softInARow(weekly, { issueId: null, eventId: 'c', at: '2026-11-15T09:00:00Z' })).toBe(3);
    // An issue delivered without a bounce between them starts the count again.
    const gap = { ...weekly, events: [weekly.events[0]!] };
    expect(softInARow(gap, { issueId: null, eventId: 'c', at: '2026-11-15T09:00:00Z' })).toBe(1);
    // With no delivery known, reports count by their day: three within a minute are one.
    const retries = {
      deliveries: [],
      events: [
        { eventId: 'r1', issueId: null, kind: 'soft' as const, at: '2026-11-20T08:00:10Z' },
        { eventId: 'r2', issueId: null, kind: 'soft' as const, at: '2026-11-20T08:00:40Z' },
      ],
    };
    expect(softInARow(retries, { issueId: null, eventId: 'r3', at: '2026-11-20T08:01:05Z' })).toBe(1);
  });

  it('store transactions queue when called at once, and a failed one leaves nothing behind', async () => {
    const store = sqliteBounceStore(db);
    const hard = (id: string, email: string): BounceEvent => ({
      ...soft(id, email, '<none>'),
      kind: 'hard',
      status: '5.1.1',
    });
    const results = await Promise.all([
      applyEvents(store, [hard('c1', 'a@example.com')], options),
      applyEvents(store, [hard('c2', 'b@example.com')], options),
    ]);
    expect(results.flat().map((d) => d.outcome)).toEqual(['suppressed', 'suppressed']);
    const failing = store.transaction(async () => {
      await store.suppress('c@example.com', { reason: 'bounce', source: 'test', at: NOW.toISOString() });
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    expect(await store.isSuppressed('c@example.com')).toBe(false);
    expect(db.inTransaction).toBe(false);
  });
});

describe('which reports are believed with VERP on', () => {
  const verp = { ...options, secret: 'bounce-secret-0123456789abcdef', verpDomain: 'bounces.example.org' };
  const hard = (eventId: string, hints: Partial<BounceEvent['hints']>): BounceEvent => ({
    eventId,
    kind: 'hard',
    address: 'victim@example.com',
    status: '5.1.1',
    diagnostic: '550 5.1.1 user unknown',
    source: 'test',
    at: NOW,
    hints: { ...emptyHints(), ...hints },
  });

  it('a report from the mailbox naming only an address, or a token that does not verify, suppresses nobody', async () => {
    deliver('2026-W48', 'victim@example.com', '2026-11-30T08:00:00Z');
    const store = sqliteBounceStore(db);
    const decisions = await applyEvents(
      store,
      [hard('plain', {}), hard('forged', { verpCandidates: ['bounces+aaaaaaaaaaaaaaaaaaaaaaaa@bounces.example.org'] })],
      verp,
    );
    expect(decisions.map((d) => d.outcome)).toEqual(['unmatched', 'unmatched']);
    expect(db.prepare('SELECT COUNT(*) FROM suppressions').pluck().get()).toBe(0);
  });

  it("a complaint to another list's VERP address, with the same secret, domain and issue id, names nobody on this one", async () => {
    // Two newsletters of one sender: same ROLECAST_SECRET, same bounce domain and mailbox, and
    // issue ids made from the week, so both sent "2026-W48" to a reader on both lists.
    const reader = 'both.lists@example.com';
    deliver('2026-W48', reader, '2026-11-30T08:00:00Z');
    const bounces = { domain: verp.verpDomain };
    const theirs = returnPathFor({ listId: 'other.example.org', bounces }, verp.secret, '2026-W48', reader)!;
    const ours = returnPathFor({ listId: 'weekly.example.org', bounces }, verp.secret, '2026-W48', reader)!;
    const complaint = (eventId: string, returnPath: string): BounceEvent => ({
      ...hard(eventId, { verpCandidates: [returnPath] }),
      kind: 'complaint',
      address: reader,
    });
    const store = sqliteBounceStore(db);
    const listed = { ...verp, listId: 'weekly.example.org' };
    const [other] = await applyEvents(store, [complaint('theirs', theirs)], listed);
    expect(other).toMatchObject({ outcome: 'unmatched' });
    expect(await store.isSuppressed(reader)).toBe(false);
    const [own] = await applyEvents(store, [complaint('ours', ours)], listed);
    expect(own).toMatchObject({ outcome: 'suppressed', email: reader, issueId: '2026-W48' });
  });

  it('a complaint imported after the next issue went out still counts for the issue it was about', async () => {
    const reader = 'late.import@example.com';
    deliver('2026-W48', reader, '2026-11-30T08:00:00Z');
    deliver('2026-W49', reader, '2026-12-07T08:00:00Z');
    const bounces = { domain: verp.verpDomain };
    const returnPath = returnPathFor({ listId: 'weekly.example.org', bounces }, verp.secret, '2026-W48', reader)!;
    // The reader complained about W48 on its day; the mailbox was imported only after W49 was sent.
    const complaint: BounceEvent = {
      ...hard('late', { verpCandidates: [returnPath] }),
      kind: 'complaint',
      address: reader,
      at: new Date('2026-11-30T09:00:00Z'),
    };
    const [decision] = await applyEvents(sqliteBounceStore(db), [complaint], {
      ...verp,
      listId: 'weekly.example.org',
      now: new Date('2026-12-08T10:00:00Z'),
    });
    expect(decision).toMatchObject({ outcome: 'suppressed', issueId: '2026-W48' });
    const analytics = sqliteAnalyticsStore(db);
    expect(analytics.facts('2026-W48').deliveries).toEqual([expect.objectContaining({ complained: 1 })]);
    expect(analytics.facts('2026-W49').deliveries).toEqual([expect.objectContaining({ complained: 0 })]);
  });

  it('a provider webhook, whose signature was checked, is believed about the address it names', async () => {
    const decisions = await applyEvents(sqliteBounceStore(db), [hard('hook', {})], { ...verp, authenticated: true });
    expect(decisions).toEqual([expect.objectContaining({ outcome: 'suppressed', email: 'victim@example.com' })]);
  });

  it('a Message-ID found in the ledger names nobody from the mailbox, since anyone can work one out; a signed link does, even beside a token that fails', async () => {
    const config = { listId: 'weekly.example.org', sender: { email: 'digest@example.org' } } as ResolvedConfig;
    // What an attacker can compute from the public List-Id, the issue and the address.
    const guessed = messageIdFor(config, '2026-W48', 'victim@example.com');
    deliver('2026-W48', 'victim@example.com', '2026-11-30T08:00:00Z', guessed);
    const signed = `<https://example.org/unsubscribe?token=${signToken({ email: 'victim@example.com', listId: 'weekly.example.org' }, verp.secret)}>`;
    const decisions = await applyEvents(
      sqliteBounceStore(db),
      [
        hard('guessed', { messageIds: [guessed] }),
        // A report of mail sent before the secret changed: its token no longer verifies, its link does not either…
        hard('stale', { verpCandidates: ['bounces+aaaaaaaaaaaaaaaaaaaaaaaa@bounces.example.org'] }),
        // …while one whose signed link verifies is believed whatever its token.
        hard('linked', {
          verpCandidates: ['bounces+aaaaaaaaaaaaaaaaaaaaaaaa@bounces.example.org'],
          unsubscribeLinks: [signed],
        }),
      ],
      verp,
    );
    expect(decisions.map((d) => d.outcome)).toEqual(['unmatched', 'unmatched', 'suppressed']);
    // A link signed with the same secret for another list names no reader of this one.
    const otherList = `<https://example.org/unsubscribe?token=${signToken({ email: 'someone@example.com', listId: 'other.example.org' }, verp.secret)}>`;
    const [fromOther] = await applyEvents(
      sqliteBounceStore(db),
      [hard('other-list', { unsubscribeLinks: [otherList] })],
      { ...verp, listId: 'weekly.example.org' },
    );
    expect(fromOther).toMatchObject({ outcome: 'unmatched' });
    expect(await sqliteBounceStore(db).isSuppressed('someone@example.com')).toBe(false);
    // Without VERP nothing better is known, and the ledger's Message-ID is taken, as documented.
    const plain = await applyEvents(sqliteBounceStore(db), [hard('plain-id', { messageIds: [guessed] })], options);
    expect(plain).toEqual([expect.objectContaining({ email: 'victim@example.com' })]);
  });
});

describe('unsubscribe requests by mail', () => {
  const LIST = 'weekly.rolecast.example';
  const MX = 'mx.rolecast.example';
  const request = unsubscribeRequestMail;

  it('suppress a reader whose request the mailbox server vouched for, and never one a forged message names', async () => {
    const folder = join(dir, 'requests');
    await mkdir(folder);
    const write = (name: string, text: string) => writeFile(join(folder, `${name}.eml`), text);
    await write(
      'dmarc',
      request('Ana Ruiz <Ana.Ruiz@example.com>', `unsubscribe ${LIST}`, [
        `${MX}; dkim=pass header.i=@example.com header.s=s1; spf=pass (sender ok) smtp.mailfrom=ana.ruiz@example.com; dmarc=pass (p=REJECT) header.from=example.com`,
      ]),
    );
    await write(
      'dkim-parent',
      request('bo@mail.example.org', 'Unsubscribe me', [`${MX}; dkim=pass header.d=example.org`]),
    );
    // Forged, each a way to name a reader the sender is not.
    await write(
      'display-name',
      request('"x <cleo@example.com>" <mallory@example.com>', 'unsubscribe', [
        `${MX}; dmarc=pass header.from=example.com`,
      ]),
    );
    await write(
      'other-server',
      request('dan@example.com', 'unsubscribe', [
        `${MX}; dmarc=fail header.from=example.com`,
        'mx.attacker.example; dmarc=pass header.from=example.com',
      ]),
    );
    await write('tld', request('eve@example.net', 'unsubscribe', [`${MX}; dkim=pass header.d=net`]));
    await write(
      'signer-i',
      request('fay@example.net', 'unsubscribe', [`${MX}; dkim=pass header.d=attacker.example header.i=@example.net`]),
    );
    await write(
      'other-list',
      request('gus@example.com', 'unsubscribe monthly.other.example', [`${MX}; dmarc=pass header.from=example.com`]),
    );
    const store = sqliteBounceStore(db);
    const summary = await importBounces(folder, store, { ...options, listId: LIST, authServId: MX });
    expect(summary.unsubscribed.map((u) => [u.email, u.outcome]).sort()).toEqual([
      ['ana.ruiz@example.com', 'suppressed'],
      ['bo@mail.example.org', 'suppressed'],
      // The sender's own address, not the one its display name spells.
      ['mallory@example.com', 'suppressed'],
    ]);
    for (const email of [
      'cleo@example.com',
      'dan@example.com',
      'eve@example.net',
      'fay@example.net',
      'gus@example.com',
    ])
      expect(await store.isSuppressed(email), email).toBe(false);
    const reasons = summary.ignored.map((i) => i.reason).join('\n');
    expect(reasons).toMatch(/from dan@example\.com whose sender mx\.rolecast\.example did not verify/);
    expect(reasons).toMatch(/another list \(monthly\.other\.example\)/);
    const again = await importBounces(folder, store, { ...options, listId: LIST, authServId: MX });
    expect(again.unsubscribed.map((u) => u.outcome)).toEqual(Array(3).fill('already suppressed'));
  });

  it('read none without the name of the mailbox server, and say which setting is missing', async () => {
    const folder = join(dir, 'requests');
    await mkdir(folder);
    await writeFile(
      join(folder, 'a.eml'),
      request('ana@example.com', 'unsubscribe', [`${MX}; dmarc=pass header.from=example.com`]),
    );
    const store = sqliteBounceStore(db);
    const summary = await importBounces(folder, store, { ...options, listId: LIST });
    expect(summary.unsubscribed).toEqual([]);
    expect(await store.isSuppressed('ana@example.com')).toBe(false);
    expect(summary.ignored[0]!.reason).toMatch(/set bounces\.authServId/);
  });
});
