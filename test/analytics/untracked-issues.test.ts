import { describe, expect, it } from 'vitest';
import { engagementScore, topicEngagement } from '../../src/analytics/engagement.js';
import { buildReport } from '../../src/analytics/report.js';
import type { IssueFacts } from '../../src/analytics/store.js';

/**
 * Issues sent while click tracking was off record no click. Their readers could not click, so
 * they say nothing about a role's sections or a topic: `report`'s quiet roles and the engagement
 * ranking of `rolecast new` judge only issues that recorded some click.
 */

const delivery = (variantId: string, delivered: number) => ({
  variantId,
  recipients: delivered,
  delivered,
  unsubscribed: 0,
  bounced: 0,
  complained: 0,
});

const click = (summaryId: string, role: string, variantId: string, unique: number) => ({
  summaryId,
  role,
  variantId,
  kind: 'article' as const,
  clicks: unique,
  unique,
});

/** A week with CTO and Designer sections; `clicks` empty when tracking was off. */
function week(issueId: string, designer: string | undefined, clicks: IssueFacts['clicks']): IssueFacts {
  const sections = [{ role: 'CTO', summaryIds: [`${issueId}-infra`] }];
  if (designer) sections.push({ role: 'Designer', summaryIds: [designer] });
  return {
    issueId,
    recordedAt: '2026-11-24T08:00:00.000Z',
    variants: [{ id: 'cto+designer', roles: ['CTO', 'Designer'], sections }],
    summaries: [
      { id: `${issueId}-infra`, roles: ['CTO'], topics: ['infra'] },
      ...(designer ? [{ id: designer, roles: ['Designer'], topics: [designer] }] : []),
    ],
    deliveries: [delivery('cto+designer', 100)],
    clicks,
  };
}

describe('issues sent with click tracking off', () => {
  const untracked = [week('2026-W45', 'colour', []), week('2026-W46', 'type', []), week('2026-W47', 'grids', [])];

  it('do not make a role quiet: its sections could not be clicked', () => {
    // Tracking turned on for W48, which has no Designer section; CTO readers clicked.
    const tracked = week('2026-W48', undefined, [click('2026-W48-infra', 'CTO', 'cto+designer', 5)]);
    const report = buildReport([tracked], { history: [...untracked, tracked] });
    expect(report.feedback.quietRoles).toEqual([]);
  });

  it('leave a role quiet only over the issues that recorded clicks', () => {
    const tracked = week('2026-W48', 'motion', [click('2026-W48-infra', 'CTO', 'cto+designer', 5)]);
    const report = buildReport([tracked], { history: [...untracked, tracked] });
    expect(report.feedback.quietRoles).toEqual([{ role: 'Designer', issues: 1, readers: 100 }]);
    expect(report.feedback.quietOver).toBe(1);
  });

  it('do not sink the topics they carried below topics never sent', () => {
    const tracked = week('2026-W48', 'motion', [
      click('2026-W48-infra', 'CTO', 'cto+designer', 10),
      click('motion', 'Designer', 'cto+designer', 10),
    ]);
    const engagement = topicEngagement([...untracked, tracked]);
    expect(engagement.issues).toBe(1);
    // "colour" went out only while clicks were not tracked: it is as unknown as a topic never sent.
    expect(engagementScore(engagement, 'Designer', ['colour'])).toBeCloseTo(
      engagementScore(engagement, 'Designer', ['never-sent']),
    );
    expect(engagementScore(engagement, 'Designer', ['colour'])).toBeCloseTo(0.1);
  });
});
