import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANALYTICS_VERSION, hasAnalyticsTables } from '../../src/analytics/_migrate.js';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { openLedger } from '../../src/send/ledger.js';
import { addSuppression, openExistingStateDb, openStateDb } from '../../src/send/store.js';
import { hasSubscriberStore } from '../../src/store/sqlite.js';
import { sentEntry } from '../helpers/ledger.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-analytics-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const LAYOUT = {
  variants: [{ id: 'cto', roles: ['CTO'], sections: [{ role: 'CTO', summaryIds: ['a'] }] }],
  summaries: [{ id: 'a', roles: ['CTO'], topics: ['t'] }],
};

/** A state file as a release before analytics wrote it: version 1, no analytics tables. */
function oldStateFile(file: string): void {
  const db = openStateDb(file);
  db.exec('DROP TABLE clicks; DROP TABLE issue_variants; DROP TABLE issue_summaries; DROP INDEX deliveries_email');
  db.pragma('user_version = 1');
  openLedger(db, '2026-W47', 'smtp', () => new Date('2026-11-17T08:00:00Z')).record(sentEntry('a@example.com'));
  db.close();
}

describe('analytics storage', () => {
  it('adds its tables to an older state file once, at its schema version', () => {
    const file = join(dir, 'state.db');
    oldStateFile(file);
    const before = new Database(file, { readonly: true });
    expect(hasAnalyticsTables(before)).toBe(false);
    before.close();
    const db = openStateDb(file);
    expect(hasAnalyticsTables(db)).toBe(true);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(ANALYTICS_VERSION);
    db.close();
  });

  it('still adds them, and the store, when the version already reads theirs but the tables are missing', () => {
    const file = join(dir, 'state.db');
    oldStateFile(file);
    const raw = new Database(file);
    raw.pragma(`user_version = ${ANALYTICS_VERSION}`);
    raw.close();
    const db = openStateDb(file);
    expect(hasAnalyticsTables(db)).toBe(true);
    expect(hasSubscriberStore(db)).toBe(true);
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(ANALYTICS_VERSION);
    db.close();
  });

  it('reads an older file read-only: deliveries count, no layout and no clicks', () => {
    const file = join(dir, 'state.db');
    oldStateFile(file);
    const db = openExistingStateDb(file)!;
    const store = sqliteAnalyticsStore(db);
    expect(store.issues()).toEqual([]);
    expect(store.facts('2026-W47')).toMatchObject({
      variants: [],
      clicks: [],
      deliveries: [{ variantId: 'cto', recipients: 1, delivered: 1 }],
    });
    expect(() => store.recordClick({} as never)).toThrow(/no clicks table/);
    db.close();
  });

  it('records layouts and clicks, lists issues by send time, and credits a suppression to the last issue before it', () => {
    const db = openStateDb(join(dir, 'state.db'));
    const store = sqliteAnalyticsStore(db);
    const send = (issue: string, at: string, emails: string[]) => {
      store.recordLayout(issue, LAYOUT, new Date(at));
      const ledger = openLedger(db, issue, 'smtp', () => new Date(at));
      for (const email of emails) ledger.record(sentEntry(email));
    };
    send('2026-W47', '2026-11-17T08:00:00.000Z', ['a@example.com', 'b@example.com']);
    send('2026-W48', '2026-11-24T08:00:00.000Z', ['a@example.com', 'b@example.com']);
    addSuppression(db, 'a@example.com', { reason: 'unsubscribe', now: new Date('2026-11-25T00:00:00Z') });
    addSuppression(db, 'b@example.com', { reason: 'hard-bounce', now: new Date('2026-11-20T00:00:00Z') });
    store.recordClick({
      issueId: '2026-W48',
      summaryId: 'a',
      role: 'CTO',
      variantId: 'cto',
      kind: 'article',
      target: 'https://example.com/',
      at: new Date(),
      first: true,
    });
    expect(store.issues()).toEqual(['2026-W47', '2026-W48']);
    expect(store.issues(new Date('2026-11-20T00:00:00Z'))).toEqual(['2026-W48']);
    const w47 = store.facts('2026-W47');
    const w48 = store.facts('2026-W48');
    expect(w47.deliveries).toEqual([
      { variantId: 'cto', recipients: 2, delivered: 2, unsubscribed: 0, bounced: 1, complained: 0 },
    ]);
    expect(w48.deliveries).toEqual([
      { variantId: 'cto', recipients: 2, delivered: 2, unsubscribed: 1, bounced: 0, complained: 0 },
    ]);
    expect(w48.clicks).toEqual([
      { summaryId: 'a', role: 'CTO', variantId: 'cto', kind: 'article', clicks: 1, unique: 1 },
    ]);
    expect(w48).toMatchObject({ ...LAYOUT, recordedAt: '2026-11-24T08:00:00.000Z' });
    db.close();
  });
});
