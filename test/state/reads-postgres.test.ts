import { existsSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readTopicEngagement } from '../../src/analytics/history.js';
import { previousIssueReport } from '../../src/analytics/previous.js';
import { migrateAnalyticsPg, postgresAnalyticsStore } from '../../src/analytics/store-postgres.js';
import { readListHealth } from '../../src/bounces/health.js';
import { applyEvents, type BounceEvent } from '../../src/bounces/index.js';
import { migrateBounceStorePg, postgresBounceStore } from '../../src/bounces/store-postgres.js';
import { loadConfig } from '../../src/config/load.js';
import { openPostgres } from '../../src/db/postgres.js';
import type { StateLocation } from '../../src/state/location.js';
import { openState } from '../../src/state/open.js';
import { bounceEvent } from '../helpers/bounces.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * With DATABASE_URL, `status` shows the bounces recorded in PostgreSQL, and the preview's list
 * health and last-issue report (and `new --by-engagement`) read the analytics stored there.
 */

const NOW = new Date('2026-12-01T12:00:00Z');

const event = (kind: BounceEvent['kind'], address: string, id: string, messageId: string) =>
  bounceEvent(kind, address, id, messageId, NOW);

describePostgres('status, list health and analytics read from PostgreSQL', () => {
  const url = useFreshDatabase('reads');
  let project: TempProject;
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
  });
  afterEach(() => project.cleanup());

  it('finds the bounces, the list health and the click history stored in the shared database', async () => {
    const location: StateLocation = { kind: 'postgres', url: url() };
    const state = await openState(location);
    try {
      const ledger = state.ledger('2026-W48', 'smtp', () => new Date('2026-11-30T08:00:00Z'));
      await ledger.recordMany(
        Array.from({ length: 4 }, (_, i) => ({
          email: `r${i}@example.com`,
          variantId: 'v',
          status: 'sent' as const,
          messageId: `<m${i}@rolecast.example>`,
          responseCode: 250,
          response: '250 ok',
          attempts: 1,
        })),
      );
    } finally {
      await state.close();
    }
    const pool = await openPostgres(url(), { max: 2 });
    try {
      await migrateBounceStorePg(pool);
      await migrateAnalyticsPg(pool);
      await applyEvents(
        postgresBounceStore(pool),
        [
          event('hard', 'r0@example.com', 'e1', '<m0@rolecast.example>'),
          event('complaint', 'r1@example.com', 'e2', '<m1@rolecast.example>'),
        ],
        { softLimit: 3, now: NOW },
      );
      const analytics = postgresAnalyticsStore(pool);
      const layout = {
        variants: [{ id: 'v', roles: ['cto'], sections: [{ role: 'cto', summaryIds: ['s1'] }] }],
        summaries: [{ id: 's1', roles: ['cto'], topics: ['databases'] }],
      };
      await analytics.recordLayout('2026-W47', layout, new Date('2026-11-23T08:00:00Z'));
      await analytics.recordLayout('2026-W48', layout, new Date('2026-11-30T08:00:00Z'));
      await analytics.recordClick({
        issueId: '2026-W47',
        summaryId: 's1',
        role: 'cto',
        variantId: 'v',
        kind: 'article',
        target: 'https://example.com/a',
        at: new Date('2026-11-23T09:00:00Z'),
        first: true,
      });
    } finally {
      await pool.end();
    }

    const status = await runMain(project.dir, ['status', 'issues/2026-W48', '--json'], { DATABASE_URL: url() });
    expect(status.code, status.all).toBe(0);
    const json = JSON.parse(status.out) as { bounces: { events: { email: string; kind: string }[] } };
    expect(json.bounces.events.map((e) => `${e.kind} ${e.email}`).sort()).toEqual([
      'complaint r1@example.com',
      'hard r0@example.com',
    ]);

    const config = await loadConfig({ cwd: project.dir });
    const health = await readListHealth(config, location);
    expect(health?.issues.map((h) => [h.issueId, h.sent, h.bounced, h.complaints])).toEqual([['2026-W48', 4, 1, 1]]);

    const previous = await previousIssueReport(config, '2026-W48', location);
    expect(previous?.issues).toEqual(['2026-W47']);
    expect(previous?.total).toMatchObject({ clicks: 1 });

    const engagement = await readTopicEngagement(config, 8, location);
    expect(engagement?.clicks).toBe(1);
    expect(existsSync(project.path('.rolecast/state.db'))).toBe(false);
  });
});
