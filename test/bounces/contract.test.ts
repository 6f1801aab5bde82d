import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  applyEvents,
  type BounceEvent,
  type BounceStore,
  countDecisions,
  emptyHints,
  importBounces,
  sqliteBounceStore,
  tallyRecords,
} from '../../src/bounces/index.js';
import { readSesNotification } from '../../src/bounces/ses-notification.js';
import { migrateBounceStorePg, postgresBounceStore } from '../../src/bounces/store-postgres.js';
import { openPostgres, type Pool } from '../../src/db/postgres.js';
import { openLedger } from '../../src/send/ledger.js';
import { openStateDb } from '../../src/send/store.js';
import { hashedAddress } from '../../src/store/hash.js';
import { sentEntry } from '../helpers/ledger.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { REPO_ROOT } from '../helpers/project.js';

/** The bounce store's contract, run against the SQLite state file and PostgreSQL alike. */
interface Harness {
  store: BounceStore;
  deliver(issueId: string, email: string, at: string, messageId: string | null): Promise<void>;
  close(): Promise<void>;
}

const FIXTURES = join(REPO_ROOT, 'test/bounces/fixtures');
const NOW = new Date('2026-12-01T12:00:00Z');
const options = { source: 'import:test', softLimit: 3, now: NOW };

function bounce(eventId: string, email: string, kind: BounceEvent['kind'], messageId: string): BounceEvent {
  return {
    eventId,
    kind,
    address: email,
    status: kind === 'hard' ? '5.1.1' : '4.2.2',
    diagnostic: 'test',
    source: 'test',
    at: NOW,
    hints: { ...emptyHints(), messageIds: [messageId] },
  };
}

function describeBounceContract(driver: string, open: () => Promise<Harness>): void {
  describe(`bounce store contract: ${driver}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(() => h.close());

    it('imports the fixture folder, tied to issues by Message-ID, and a second import changes nothing', async () => {
      await h.deliver(
        '2026-W48',
        'gone.reader@example.org',
        '2026-11-30T07:00:00.000Z',
        '<2026-W48.postfixfixture000000000@rolecast.example>',
      );
      const summary = await importBounces(FIXTURES, h.store, options);
      expect(countDecisions(summary.decisions)).toMatchObject({ hard: 5, soft: 1, complaint: 1, suppressed: 6 });
      const events = await h.store.events();
      expect(events.find((e) => e.email === 'gone.reader@example.org')).toMatchObject({
        issueId: '2026-W48',
        kind: 'hard',
        outcome: 'suppressed',
      });
      expect(await h.store.events({ issueId: '2026-W48' })).toHaveLength(1);
      expect(await h.store.isSuppressed('Gone.Reader@example.org')).toBe(true);
      expect(await h.store.isSuppressed('full.box@example.net')).toBe(false);
      const again = await importBounces(FIXTURES, h.store, options);
      expect(countDecisions(again.decisions)).toMatchObject({ duplicate: 7, suppressed: 0 });
      expect(await h.store.events()).toEqual(events);
    });

    it('a bounce for an erased reader is kept under the hashed key, and never stores the address again', async () => {
      const reader = 'erased.reader@example.org';
      // What `subscribers forget` leaves: only the hashed entry.
      await h.store.suppress(hashedAddress(reader), { reason: 'erased', source: 'forget', at: NOW.toISOString() });
      expect(await h.store.isSuppressed('Erased.Reader@example.org')).toBe(true);
      await applyEvents(h.store, [bounce('erased-1', reader, 'hard', '<late@rolecast.example>')], options);
      expect(await h.store.suppress(reader, { reason: 'bounce', source: 'test', at: NOW.toISOString() })).toBe(false);
      const events = await h.store.events();
      expect(events.map((e) => e.email)).toEqual([hashedAddress(reader)]);
      expect(JSON.stringify(events)).not.toContain('erased.reader');
    });

    it("a late provider bounce for an erased reader keeps neither the server's text nor an event id naming the address", async () => {
      const reader = 'erased.reader@example.org';
      await h.store.suppress(hashedAddress(reader), { reason: 'erased', source: 'forget', at: NOW.toISOString() });
      // SES quotes the remote server, which names the address, as most servers do.
      const events = readSesNotification(
        {
          notificationType: 'Bounce',
          mail: { messageId: 'ses-late-1', source: 'digest@rolecast.example' },
          bounce: {
            bounceType: 'Permanent',
            feedbackId: 'feedback-late-1',
            timestamp: NOW.toISOString(),
            bouncedRecipients: [
              {
                emailAddress: 'Erased.Reader@example.org',
                status: '5.1.1',
                diagnosticCode: `smtp; 550 5.1.1 <${reader}>: user unknown`,
              },
            ],
          },
        },
        NOW,
      );
      await applyEvents(h.store, events, { ...options, authenticated: true });
      const stored = await h.store.events();
      expect(stored.map((e) => e.email)).toEqual([hashedAddress(reader)]);
      expect(JSON.stringify(stored).toLowerCase()).not.toContain('erased.reader');
      // Replayed, it is still the same event.
      expect(countDecisions(await applyEvents(h.store, events, { ...options, authenticated: true }))).toMatchObject({
        duplicate: 1,
      });
    });

    it('soft bounces suppress after softLimit issues in a row; a clean delivery resets the count', async () => {
      const reader = 'full.box@example.net';
      const issues = ['2026-W44', '2026-W45', '2026-W46', '2026-W47', '2026-W48'];
      for (const [i, issue] of issues.entries())
        await h.deliver(issue, reader, `2026-11-0${i + 1}T08:00:00.000Z`, `<${issue}.x@rolecast.example>`);
      const run = async (issue: string) =>
        (
          await applyEvents(h.store, [bounce(`e-${issue}`, reader, 'soft', `<${issue}.x@rolecast.example>`)], options)
        )[0]!;
      expect(await run('2026-W44')).toMatchObject({ outcome: 'counted', inARow: 1 });
      expect(await run('2026-W46')).toMatchObject({ outcome: 'counted', inARow: 1 });
      expect(await run('2026-W47')).toMatchObject({ outcome: 'counted', inARow: 2 });
      expect(await run('2026-W48')).toMatchObject({ outcome: 'suppressed', inARow: 3 });
      expect(await h.store.deliveryByMessageId('2026-W45.x@rolecast.example')).toEqual({
        issueId: '2026-W45',
        email: reader,
      });
      expect((await h.store.deliveredIssues()).sort()).toEqual(issues);
      expect((await h.store.messageIdsTo(reader.toUpperCase())).sort()).toEqual(
        issues.map((i) => `<${i}.x@rolecast.example>`),
      );
      expect(await h.store.messageIdsTo('nobody@example.com')).toEqual([]);
      expect(await h.store.recipients('2026-W44')).toEqual([reader]);
      const counts = await h.store.issueCounts();
      expect(counts.map((c) => c.issueId)).toEqual([...issues].reverse());
      expect(counts[0]).toMatchObject({ issueId: '2026-W48', sent: 1, soft: 1, hard: 0, complaints: 0 });
    });

    it('counts each bounced reader of an issue once: a soft and then a hard report is one hard bounce', async () => {
      for (const email of ['twice@example.com', 'soft.only@example.com', 'complains@example.com'])
        await h.deliver('2026-W48', email, '2026-11-30T07:00:00.000Z', `<${email}.m@x>`);
      await applyEvents(
        h.store,
        [
          bounce('t-soft', 'twice@example.com', 'soft', '<twice@example.com.m@x>'),
          bounce('t-hard', 'twice@example.com', 'hard', '<twice@example.com.m@x>'),
          bounce('s-soft', 'soft.only@example.com', 'soft', '<soft.only@example.com.m@x>'),
          { ...bounce('c', 'complains@example.com', 'complaint', '<complains@example.com.m@x>'), status: undefined },
        ],
        options,
      );
      const [counts] = await h.store.issueCounts();
      expect(counts).toMatchObject({ issueId: '2026-W48', sent: 3, hard: 1, soft: 1, complaints: 1 });
      expect(tallyRecords(await h.store.events({ issueId: '2026-W48' }))).toEqual({ hard: 1, soft: 1, complaints: 1 });
    });

    it('a provider bounce naming no issue counts in the list health of the issue last delivered before it', async () => {
      await h.deliver('2026-W47', 'pm.gone@example.com', '2026-11-23T07:00:00.000Z', null);
      await h.deliver('2026-W48', 'pm.gone@example.com', '2026-11-30T07:00:00.000Z', null);
      await h.deliver('2026-W48', 'pm.fine@example.com', '2026-11-30T07:00:00.000Z', null);
      // Postmark's webhook names only the address: no VERP address, Message-ID or link.
      const [decision] = await applyEvents(
        h.store,
        [{ ...bounce('pm-1', 'pm.gone@example.com', 'hard', '<none@x>'), hints: emptyHints() }],
        { ...options, authenticated: true },
      );
      expect(decision).toMatchObject({ outcome: 'suppressed', issueId: '2026-W48' });
      const [counts] = await h.store.issueCounts();
      expect(counts).toMatchObject({ issueId: '2026-W48', sent: 2, hard: 1 });
      expect(tallyRecords(await h.store.events({ issueId: '2026-W48' }))).toMatchObject({ hard: 1 });
    });

    it('the same event applied twice at once is recorded once; a failed transaction leaves nothing', async () => {
      await h.deliver('2026-W48', 'a@example.com', '2026-11-30T07:00:00.000Z', '<m1@x>');
      const results = await Promise.all([
        applyEvents(h.store, [bounce('same', 'a@example.com', 'hard', '<m1@x>')], options),
        applyEvents(h.store, [bounce('same', 'a@example.com', 'hard', '<m1@x>')], options),
      ]);
      expect(
        results
          .flat()
          .map((d) => d.outcome)
          .sort(),
      ).toEqual(['duplicate', 'suppressed']);
      expect(await h.store.events()).toHaveLength(1);
      await expect(
        h.store.transaction(async () => {
          await h.store.suppress('c@example.com', { reason: 'bounce', source: 'test', at: NOW.toISOString() });
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await h.store.isSuppressed('c@example.com')).toBe(false);
    });
  });
}

describeBounceContract('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-bounces-'));
  const db = openStateDb(join(dir, 'state.db'));
  return {
    store: sqliteBounceStore(db),
    async deliver(issueId, email, at, messageId) {
      openLedger(db, issueId, 'smtp', () => new Date(at)).record(
        sentEntry(email, { variantId: 'v1', messageId, response: '250 ok' }),
      );
    },
    async close() {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describePostgres('PostgreSQL bounce store', () => {
  const databaseUrl = useFreshDatabase('bounces');
  let pool: Pool;
  beforeAll(async () => {
    pool = await openPostgres(databaseUrl(), { max: 4 });
    await migrateBounceStorePg(pool);
  });
  afterAll(() => pool?.end());

  describeBounceContract('PostgreSQL', async () => {
    await pool.query('TRUNCATE bounce_events, deliveries, suppressions');
    return {
      store: postgresBounceStore(pool),
      async deliver(issueId, email, at, messageId) {
        await pool.query(
          `INSERT INTO deliveries (issue_id, channel, email, variant_id, status, message_id, response_code, attempts, updated_at)
           VALUES ($1, 'smtp', $2, 'v1', 'sent', $3, 250, 1, $4)`,
          [issueId, email, messageId, at],
        );
      },
      close: async () => {},
    };
  });
});
