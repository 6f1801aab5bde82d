import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AnalyticsStore, ClickEvent } from '../../src/analytics/store.js';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { migrateAnalyticsPg, postgresAnalyticsStore } from '../../src/analytics/store-postgres.js';
import { openPostgres, type Pool } from '../../src/db/postgres.js';
import { openLedger } from '../../src/send/ledger.js';
import { addSuppression, openStateDb } from '../../src/send/store.js';
import { sentEntry } from '../helpers/ledger.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';

/** The click store's contract, run against the SQLite state file and PostgreSQL alike. */
interface Harness {
  store: AnalyticsStore;
  deliver(issueId: string, email: string, at: string): Promise<void>;
  suppress(email: string, reason: string, at: string): Promise<void>;
  close(): Promise<void>;
}

const LAYOUT = {
  variants: [
    { id: 'cto', roles: ['CTO'], sections: [{ role: 'CTO', summaryIds: ['z', 'a'] }] },
    { id: 'exec', roles: ['Executive'], sections: [{ role: 'Executive', summaryIds: ['a'] }] },
  ],
  summaries: [
    { id: 'z', roles: ['CTO'], topics: ['t1'] },
    { id: 'a', roles: ['CTO', 'Executive'], topics: ['t2'] },
  ],
};

function click(fields: Partial<ClickEvent> = {}): ClickEvent {
  return {
    issueId: '2026-W48',
    summaryId: 'a',
    role: 'CTO',
    variantId: 'cto',
    kind: 'article',
    target: 'https://example.com/',
    at: new Date('2026-11-24T09:00:00Z'),
    first: true,
    ...fields,
  };
}

function describeAnalyticsContract(driver: string, open: () => Promise<Harness>): void {
  describe(`analytics store contract: ${driver}`, () => {
    let h: Harness;
    beforeEach(async () => {
      h = await open();
    });
    afterEach(() => h.close());

    it('keeps a layout in the order it was recorded; recording it again replaces it', async () => {
      await h.store.recordLayout('2026-W48', LAYOUT, new Date('2026-11-24T08:00:00.000Z'));
      await h.store.recordLayout('2026-W48', LAYOUT, new Date('2026-11-24T08:30:00.000Z'));
      const facts = await h.store.facts('2026-W48');
      expect(facts.summaries.map((s) => s.id)).toEqual(['z', 'a']);
      expect(facts.variants).toEqual(LAYOUT.variants);
      expect(facts.recordedAt).toBe('2026-11-24T08:00:00.000Z');
      expect(await h.store.facts('2026-W01')).toMatchObject({ recordedAt: undefined, variants: [], clicks: [] });
    });

    it('counts clicks and unique clicks per summary, role, variant and kind', async () => {
      await h.store.recordLayout('2026-W48', LAYOUT, new Date('2026-11-24T08:00:00.000Z'));
      await h.store.recordClick(click());
      await h.store.recordClick(click({ first: false }));
      await h.store.recordClick(click({ role: 'Executive', variantId: 'exec' }));
      await h.store.recordClick(click({ summaryId: 'z', kind: 'source' }));
      expect((await h.store.facts('2026-W48')).clicks).toEqual([
        { summaryId: 'a', role: 'CTO', variantId: 'cto', kind: 'article', clicks: 2, unique: 1 },
        { summaryId: 'a', role: 'Executive', variantId: 'exec', kind: 'article', clicks: 1, unique: 1 },
        { summaryId: 'z', role: 'CTO', variantId: 'cto', kind: 'source', clicks: 1, unique: 1 },
      ]);
    });

    it('takes back one click recorded with the same values, and leaves every other', async () => {
      await h.store.recordClick(click());
      await h.store.recordClick(click());
      await h.store.recordClick(click({ first: false }));
      await h.store.recordClick(click({ at: new Date('2026-11-24T09:00:01Z') }));
      await h.store.recordClick(click({ issueId: '2026-W47' }));
      await h.store.withdrawClick(click());
      await h.store.withdrawClick(click({ kind: 'source' }));
      expect((await h.store.facts('2026-W48')).clicks).toEqual([
        { summaryId: 'a', role: 'CTO', variantId: 'cto', kind: 'article', clicks: 3, unique: 2 },
      ]);
      await h.store.withdrawClick(click({ first: false }));
      await h.store.withdrawClick(click({ at: new Date('2026-11-24T09:00:01Z') }));
      expect((await h.store.facts('2026-W48')).clicks).toEqual([
        { summaryId: 'a', role: 'CTO', variantId: 'cto', kind: 'article', clicks: 1, unique: 1 },
      ]);
      expect((await h.store.facts('2026-W47')).clicks).toHaveLength(1);
    });

    it('lists issues by send time and credits a suppression to the last issue before it', async () => {
      const send = async (issue: string, at: string) => {
        await h.store.recordLayout(issue, LAYOUT, new Date(at));
        for (const email of ['a@example.com', 'b@example.com']) await h.deliver(issue, email, at);
      };
      await send('2026-W48', '2026-11-24T08:00:00.000Z');
      await send('2026-W47', '2026-11-17T08:00:00.000Z');
      await h.suppress('a@example.com', 'unsubscribe', '2026-11-25T00:00:00.000Z');
      await h.suppress('b@example.com', 'hard-bounce', '2026-11-20T00:00:00.000Z');
      expect(await h.store.issues()).toEqual(['2026-W47', '2026-W48']);
      expect(await h.store.issues(new Date('2026-11-20T00:00:00Z'))).toEqual(['2026-W48']);
      expect((await h.store.facts('2026-W47')).deliveries).toEqual([
        { variantId: 'cto', recipients: 2, delivered: 2, unsubscribed: 0, bounced: 1, complained: 0 },
      ]);
      expect((await h.store.facts('2026-W48')).deliveries).toEqual([
        { variantId: 'cto', recipients: 2, delivered: 2, unsubscribed: 1, bounced: 0, complained: 0 },
      ]);
    });
  });
}

describeAnalyticsContract('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-analytics-'));
  const db = openStateDb(join(dir, 'state.db'));
  return {
    store: sqliteAnalyticsStore(db),
    async deliver(issueId, email, at) {
      openLedger(db, issueId, 'smtp', () => new Date(at)).record(sentEntry(email));
    },
    async suppress(email, reason, at) {
      addSuppression(db, email, { reason, now: new Date(at) });
    },
    async close() {
      db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describePostgres('PostgreSQL analytics store', () => {
  const databaseUrl = useFreshDatabase('analytics');
  let pool: Pool;
  beforeAll(async () => {
    pool = await openPostgres(databaseUrl(), { max: 4 });
    await migrateAnalyticsPg(pool);
  });
  afterAll(() => pool?.end());

  describeAnalyticsContract('PostgreSQL', async () => {
    await pool.query('TRUNCATE clicks, issue_variants, issue_summaries, deliveries, suppressions');
    return {
      store: postgresAnalyticsStore(pool),
      async deliver(issueId, email, at) {
        await pool.query(
          `INSERT INTO deliveries (issue_id, channel, email, variant_id, status, response_code, attempts, updated_at)
           VALUES ($1, 'smtp', $2, 'cto', 'sent', 250, 1, $3)`,
          [issueId, email, at],
        );
      },
      async suppress(email, reason, at) {
        await pool.query('INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, $2, NULL, $3)', [
          email,
          reason,
          at,
        ]);
      },
      close: async () => {},
    };
  });
});
