import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/analytics/report.js';
import { withCurrentRoleNames } from '../../src/analytics/role-names.js';
import type { IssueFacts } from '../../src/analytics/store.js';
import { parseTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * roles.yaml renamed a role between two sends, the old name kept as an alias ("Chief Technology
 * Officer" → CTO). rolecast report --since showed the two names as two roles, each with half the
 * deliveries and clicks, and the tagging feedback judged them apart. Every name is now read
 * through today's roles file: one role, one row.
 */

const taxonomy = parseTaxonomy(
  'roles:\n  - name: CTO\n    aliases: [Chief Technology Officer]\n  - name: Designer\n',
  'roles.yaml',
);
const name = (role: string) => taxonomy.lookup(role) ?? role;

function issue(issueId: string, role: string, delivered: number, unique: number): IssueFacts {
  return {
    issueId,
    recordedAt: '2026-11-24T08:00:00.000Z',
    variants: [{ id: `v-${issueId}`, roles: [role], sections: [{ role, summaryIds: [`s-${issueId}`] }] }],
    summaries: [{ id: `s-${issueId}`, roles: [role], topics: [] }],
    deliveries: [
      { variantId: `v-${issueId}`, recipients: delivered, delivered, unsubscribed: 0, bounced: 0, complained: 0 },
    ],
    clicks: [{ summaryId: `s-${issueId}`, role, variantId: `v-${issueId}`, kind: 'article', clicks: unique, unique }],
  };
}

describe('a report over issues sent before and after a role was renamed', () => {
  const before = issue('2026-W47', 'Chief Technology Officer', 10, 3);
  const after = issue('2026-W48', 'CTO', 12, 5);

  it('sums the old and the new name on one row', () => {
    const report = buildReport([before, after].map((f) => withCurrentRoleNames(f, name)));
    expect(report.byRole.map((r) => r.role)).toEqual(['CTO']);
    expect(report.byRole[0]).toMatchObject({ delivered: 22, unique: 8, clicks: 8 });
    expect(report.links.map((l) => l.role)).toEqual(['CTO', 'CTO']);
  });

  it('keeps a name the roles file no longer knows as recorded', () => {
    const report = buildReport([withCurrentRoleNames(issue('2026-W46', 'Druid', 4, 1), name)]);
    expect(report.byRole.map((r) => r.role)).toEqual(['Druid']);
  });

  it('counts a variant holding both spellings once', () => {
    const both = issue('2026-W49', 'CTO', 6, 2);
    both.variants[0]!.roles = ['Chief Technology Officer', 'CTO'];
    const report = buildReport([withCurrentRoleNames(both, name)]);
    expect(report.byRole).toEqual([expect.objectContaining({ role: 'CTO', delivered: 6 })]);
  });
});
