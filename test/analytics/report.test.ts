import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/analytics/report.js';
import { sinceDate } from '../../src/analytics/since.js';
import type { IssueFacts } from '../../src/analytics/store.js';
import { reportCsv, reportTable } from '../../src/cli/report-table.js';

const delivery = (variantId: string, delivered: number, extra: Partial<IssueFacts['deliveries'][number]> = {}) => ({
  variantId,
  recipients: delivered,
  delivered,
  unsubscribed: 0,
  bounced: 0,
  complained: 0,
  ...extra,
});

/** Two variants: CTO readers, and readers holding both Designer and CTO. */
function issue(issueId: string, clicks: IssueFacts['clicks']): IssueFacts {
  return {
    issueId,
    recordedAt: '2026-11-24T08:00:00.000Z',
    variants: [
      { id: 'cto', roles: ['CTO'], sections: [{ role: 'CTO', summaryIds: ['infra', 'ui'] }] },
      {
        id: 'cto+designer',
        roles: ['CTO', 'Designer'],
        sections: [
          { role: 'CTO', summaryIds: ['infra', 'ui'] },
          { role: 'Designer', summaryIds: ['colour'] },
        ],
      },
    ],
    summaries: [
      { id: 'infra', roles: ['CTO'], topics: ['infra'] },
      { id: 'ui', roles: ['CTO'], topics: ['ui'] },
      { id: 'colour', roles: ['Designer'], topics: ['design'] },
    ],
    deliveries: [delivery('cto', 10, { recipients: 11, unsubscribed: 1 }), delivery('cto+designer', 4, { bounced: 1 })],
    clicks,
  };
}

const click = (summaryId: string, role: string, variantId: string, unique: number, clicks = unique) => ({
  summaryId,
  role,
  variantId,
  kind: 'article' as const,
  clicks,
  unique,
});

describe('report', () => {
  const facts = issue('2026-W48', [click('infra', 'CTO', 'cto', 5, 7), click('ui', 'CTO', 'cto+designer', 4)]);

  it('counts deliveries per role and variant; a reader with two roles counts under each', () => {
    const report = buildReport([facts]);
    expect(report.total).toMatchObject({
      recipients: 15,
      delivered: 14,
      unsubscribed: 1,
      bounced: 1,
      clicks: 11,
      unique: 9,
    });
    expect(report.byRole.map((r) => [r.role, r.recipients, r.delivered, r.unsubscribed, r.bounced, r.clicks])).toEqual([
      ['CTO', 15, 14, 1, 1, 11],
      ['Designer', 4, 4, 0, 1, 0],
    ]);
    expect(report.byVariant.map((v) => [v.variantId, v.delivered, v.clicks, v.unique])).toEqual([
      ['cto', 10, 7, 5],
      ['cto+designer', 4, 4, 4],
    ]);
  });

  it('never counts more unique clicks on a link than readers could make, however many user agents one client shows', () => {
    // One CTO+Designer reader's client clicking 'colour' 50 times with 50 user agents: 4 readers got it.
    // A click whose variant is unknown is bounded by everyone who got the link in that section.
    // Its other link kinds, and the same links with `v` cut off, share that bound.
    const inflated = issue('2026-W48', [
      click('colour', 'Designer', 'cto+designer', 50),
      { ...click('colour', 'Designer', 'cto+designer', 50), kind: 'source' as const },
      click('colour', 'Designer', '', 50),
      click('infra', 'CTO', '', 99),
      click('infra', 'CTO', 'cto', 3),
    ]);
    const report = buildReport([inflated]);
    const colour = report.links.find((l) => l.summaryId === 'colour')!;
    expect([colour.unique, colour.rate]).toEqual([4, 1]);
    const infra = report.links.find((l) => l.summaryId === 'infra')!;
    expect([infra.unique, infra.rate]).toEqual([14, 1]);
    expect(report.byRole.find((r) => r.role === 'Designer')!.unique).toBe(4);
    expect(report.total.unique).toBe(18);
    // A variant never counts more than its readers either.
    expect(report.byVariant.find((v) => v.variantId === 'cto+designer')!.unique).toBeLessThanOrEqual(4);
    // Raw clicks are still shown as they came.
    expect(colour.clicks).toBe(150);
  });

  it('rates each summary × section over the readers who got it there', () => {
    const { links } = buildReport([facts]);
    expect(links).toEqual([
      { summaryId: 'infra', role: 'CTO', readers: 14, clicks: 7, unique: 5, rate: 5 / 14 },
      { summaryId: 'ui', role: 'CTO', readers: 14, clicks: 4, unique: 4, rate: 4 / 14 },
      { summaryId: 'colour', role: 'Designer', readers: 4, clicks: 0, unique: 0, rate: 0 },
    ]);
  });

  it('says under the summary table which clicks its rate counts', () => {
    const lines = reportTable(buildReport([facts])).split('\n');
    const after = lines.findIndex((line) => line.startsWith('  SUMMARY')) + 4;
    expect(lines.slice(after, after + 3)).toEqual([
      '  RATE is UNIQUE / READERS. UNIQUE counts the first click of one client (address and browser) on a link',
      '  of one message within 24 hours, so a gateway that fetches a link its reader opens may count as a second;',
      '  CLICKS counts every click that passed the link scanner filters, repeats included.',
    ]);
  });

  it('flags a summary clicked mostly by readers of a role it is not tagged for, and a role with no clicks', () => {
    const { feedback } = buildReport([facts]);
    expect(feedback.misTagged).toEqual([
      { summaryId: 'ui', taggedRoles: ['CTO'], role: 'Designer', share: 1, readerShare: 4 / 14, unique: 4 },
    ]);
    expect(feedback.quietRoles).toEqual([{ role: 'Designer', issues: 1, readers: 4 }]);
    const table = reportTable(buildReport([facts]));
    expect(table).toContain('ui: 100.0% of its 4 unique click(s) come from Designer readers');
    expect(table).toContain('Designer: no clicks on its sections over the last 1 issue(s)');
  });

  it('does not flag clicks that only follow the share of readers holding the role', () => {
    // Every reader of 'colour' holds CTO too: CTO clicks there are no lean towards CTO.
    const even = issue('2026-W48', [click('colour', 'Designer', 'cto+designer', 4)]);
    expect(buildReport([even]).feedback.misTagged).toEqual([]);
  });

  it('counts a click whose link lost its role set under its section role and under no variant', () => {
    const report = buildReport([issue('2026-W48', [click('infra', 'CTO', '', 2)])]);
    expect(report.byRole.find((r) => r.role === 'CTO')).toMatchObject({ clicks: 2, unique: 2 });
    expect(report.byVariant.find((v) => v.variantId === '')).toMatchObject({ clicks: 2, delivered: 0 });
    expect(report.total.clicks).toBe(2);
    expect(reportTable(report)).toMatch(/^\s*\(none\)\s+0\s+0\s+0\s+0\s+0\s+2\s+2$/m);
  });

  it('counts a click under no variant when its role set never showed that summary in that section', () => {
    // The CTO role set's signed value moved onto a Designer link: the role set never had it.
    const moved = issue('2026-W48', [
      click('colour', 'Designer', 'cto', 3),
      click('colour', 'Designer', 'cto+designer', 1),
    ]);
    const report = buildReport([moved]);
    expect(report.byVariant.map((v) => [v.variantId, v.clicks])).toEqual([
      ['', 3],
      ['cto', 0],
      ['cto+designer', 1],
    ]);
    expect(report.byRole.find((r) => r.role === 'Designer')).toMatchObject({ clicks: 4 });
    // Left out of the tagging shares: 1 unique click is under the minimum of 3.
    expect(report.feedback.misTagged).toEqual([]);
  });

  it('judges no role quiet when no issue recorded any click (tracking off)', () => {
    expect(buildReport([issue('2026-W48', [])]).feedback.quietRoles).toEqual([]);
  });

  it('sums several issues', () => {
    const report = buildReport([facts, issue('2026-W49', [click('colour', 'Designer', 'cto+designer', 2)])]);
    expect(report.issues).toEqual(['2026-W48', '2026-W49']);
    expect(report.total.delivered).toBe(28);
    expect(report.links.find((l) => l.summaryId === 'colour')).toMatchObject({ readers: 8, unique: 2 });
    expect(report.feedback.quietRoles).toEqual([]);
  });

  it('writes CSV a spreadsheet cannot run as a formula', () => {
    const hostile = issue('x', [click('=cmd', 'CTO', 'cto', 1)]);
    const csv = reportCsv(buildReport([hostile]));
    expect(csv.split('\r\n')[0]).toBe(
      'table,key,section,recipients,delivered,bounced,complained,unsubscribed,readers,clicks,unique,rate',
    );
    expect(csv).toContain("link,'=cmd,CTO,");
    expect(csv).toContain('role,CTO,,15,14,1,0,1,,1,1,');
  });

  it('reads --since as weeks, days or a date', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    expect(sinceDate('8w', now).toISOString()).toBe('2026-10-06T00:00:00.000Z');
    expect(sinceDate('30d', now).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(sinceDate('2026-10-01', now).toISOString()).toBe('2026-10-01T00:00:00.000Z');
    // A date starts in the list's zone: midnight in Berlin is 22:00 UTC the day before; in New York, 04:00 UTC.
    expect(sinceDate('2026-10-01', now, 'Europe/Berlin').toISOString()).toBe('2026-09-30T22:00:00.000Z');
    expect(sinceDate('2026-10-01', now, 'America/New_York').toISOString()).toBe('2026-10-01T04:00:00.000Z');
    expect(() => sinceDate('2026-02-30', now, 'Europe/Berlin')).toThrow(/not a period/);
    expect(() => sinceDate('8 weeks', now)).toThrow(/not a period/);
  });

  it("reads --since as an ISO week, as issues are named: from its Monday in the list's zone", () => {
    const now = new Date('2026-12-01T00:00:00Z');
    expect(sinceDate('2026-W48', now).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(sinceDate('2026-w01', now).toISOString()).toBe('2025-12-29T00:00:00.000Z');
    expect(sinceDate('2026-W48', now, 'Europe/Berlin').toISOString()).toBe('2026-11-22T23:00:00.000Z');
    // 2026 has 53 ISO weeks, 2025 has 52.
    expect(sinceDate('2026-W53', now).toISOString()).toBe('2026-12-28T00:00:00.000Z');
    const refusal = (value: string) => {
      try {
        return sinceDate(value, now).toISOString();
      } catch (error) {
        return `${(error as Error).message} — ${(error as { hint?: string }).hint}`;
      }
    };
    for (const week of ['2025-W53', '2026-W00', '2026-W9']) {
      expect(refusal(week)).toMatch(/is not a period(: 2025 has 52 ISO weeks)? — .*--since 2026-W48/);
    }
    // A week past the year's last says how many the year has, as new --week does.
    expect(refusal('2025-w53')).toContain('--since "2025-w53" is not a period: 2025 has 52 ISO weeks —');
  });
});
