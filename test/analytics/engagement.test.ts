import { readFile, rm } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { engagementScore, topicEngagement } from '../../src/analytics/engagement.js';
import type { IssueFacts } from '../../src/analytics/store.js';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { openLedger, openStateDb } from '../../src/send/index.js';
import { sentEntry } from '../helpers/ledger.js';
import type { TempProject } from '../helpers/project.js';
import { runMain } from '../helpers/project.js';
import { poolProject } from '../pool/_fixture.js';

/** One past issue: 100 CTO readers; the infra piece drew 20 unique clicks, the ux piece 1. */
const PAST: IssueFacts = {
  issueId: '2026-W47',
  recordedAt: '2026-11-17T08:00:00.000Z',
  variants: [{ id: 'cto', roles: ['CTO'], sections: [{ role: 'CTO', summaryIds: ['infra', 'ux'] }] }],
  summaries: [
    { id: 'infra', roles: ['CTO'], topics: ['Infra'] },
    { id: 'ux', roles: ['CTO'], topics: ['ux'] },
  ],
  deliveries: [{ variantId: 'cto', recipients: 100, delivered: 100, unsubscribed: 0, bounced: 0, complained: 0 }],
  clicks: [
    { summaryId: 'infra', role: 'CTO', variantId: 'cto', kind: 'article', clicks: 25, unique: 20 },
    { summaryId: 'ux', role: 'CTO', variantId: 'cto', kind: 'article', clicks: 1, unique: 1 },
  ],
};

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('topic engagement', () => {
  it('scores a topic by its clicks over readers per role, shrunk towards the role’s rate', () => {
    const engagement = topicEngagement([PAST]);
    const base = 21 / 200;
    expect(engagementScore(engagement, 'CTO', ['infra'])).toBeCloseTo((20 + base * 20) / 120, 10);
    expect(engagementScore(engagement, 'CTO', ['UX'])).toBeCloseTo((1 + base * 20) / 120, 10);
    expect(engagementScore(engagement, 'CTO', ['new-topic'])).toBeCloseTo(base, 10);
    expect(engagementScore(engagement, 'CTO', [])).toBeCloseTo(base, 10);
    expect(engagementScore(engagement, 'Designer', ['infra'])).toBe(0);
  });

  it('rolecast new --by-engagement picks, per role, the pool summary whose topics its readers clicked', async () => {
    ({ project } = await poolProject(
      {
        'summaries/pool-infra.json': JSON.stringify({
          title: 'Pool infra',
          summary: 'Older, on infrastructure.',
          roles: ['CTO'],
          topics: ['infra'],
          date: '2026-11-01',
        }),
        'summaries/pool-ux.json': JSON.stringify({
          title: 'Pool ux',
          summary: 'Newer, on UX.',
          roles: ['CTO'],
          topics: ['ux'],
          date: '2026-11-29',
        }),
      },
      { perRole: 1 },
    ));
    const db = openStateDb(project.path('.rolecast', 'state.db'));
    sqliteAnalyticsStore(db).recordLayout('2026-W47', PAST, new Date(PAST.recordedAt!));
    const ledger = openLedger(db, '2026-W47', 'smtp');
    for (let i = 0; i < 100; i++) ledger.record(sentEntry(`r${i}@example.com`));
    for (const c of PAST.clicks)
      for (let i = 0; i < c.unique; i++)
        sqliteAnalyticsStore(db).recordClick({
          ...c,
          issueId: '2026-W47',
          target: 'https://example.com/',
          at: new Date(),
          first: true,
        });
    db.close();

    const picked = async (args: string[], week: string) => {
      const result = await runMain(project!.dir, ['new', '--week', week, ...args]);
      expect(result.code, result.all).toBe(0);
      const manifest = JSON.parse(await readFile(project!.path('issues', week, 'issue.json'), 'utf8'));
      return { summaries: manifest.summaries as string[], out: result.out };
    };
    // Newest first by default: the UX piece is the CTO pick.
    expect((await picked([], '2026-W50')).summaries).toContain('pool:pool-ux');
    // Removed again, so the UX piece is unused and a candidate for the ranked pick.
    await rm(project.path('issues', '2026-W50'), { recursive: true });
    const ranked = await picked(['--by-engagement'], '2026-W50');
    expect(ranked.summaries).toContain('pool:pool-infra');
    expect(ranked.summaries).not.toContain('pool:pool-ux');
    expect(ranked.out).toContain('ordering each role');
  });
});
