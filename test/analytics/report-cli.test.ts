import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { loadConfig } from '../../src/config/load.js';
import { openLedger, openStateDb } from '../../src/send/index.js';
import { sentEntry } from '../helpers/ledger.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

/** Two sent issues, a week apart; two clicks on the newer one. */
async function sentTwice(): Promise<TempProject> {
  const temp = await tempProject({ withExample: true });
  const config = await loadConfig({ cwd: temp.dir });
  const db = openStateDb(join(config.stateDirAbs, 'state.db'));
  const store = sqliteAnalyticsStore(db);
  for (const [issue, at] of [
    ['2026-W47', new Date(Date.now() - 14 * 86_400_000)],
    ['2026-W48', new Date(Date.now() - 3 * 86_400_000)],
  ] as const) {
    store.recordLayout(
      issue,
      {
        variants: [{ id: 'cto', roles: ['CTO'], sections: [{ role: 'CTO', summaryIds: [`${issue}-a`] }] }],
        summaries: [{ id: `${issue}-a`, roles: ['CTO'], topics: [] }],
      },
      at,
    );
    const ledger = openLedger(db, issue, 'smtp', () => at);
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com'])
      ledger.record(sentEntry(email));
  }
  for (const first of [true, false])
    store.recordClick({
      issueId: '2026-W48',
      summaryId: '2026-W48-a',
      role: 'CTO',
      variantId: 'cto',
      kind: 'article',
      target: 'https://example.com/',
      at: new Date(),
      first,
    });
  db.close();
  return temp;
}

describe('rolecast report', () => {
  it('writes CSV with a row per role, variant and summary × section', async () => {
    project = await sentTwice();
    const result = await runMain(project.dir, ['report', 'issues/2026-W48', '--csv']);
    expect(result.code, result.all).toBe(0);
    // The example's other roles, which no reader got a section of, have rows of their own
    // (report-unreached-roles-cli.test.ts).
    expect(result.out.split('\r\n').filter((line) => !line.startsWith('unreached role,'))).toEqual([
      'table,key,section,recipients,delivered,bounced,complained,unsubscribed,readers,clicks,unique,rate',
      'role,CTO,,4,4,0,0,0,,2,1,',
      'variant,cto,,4,4,0,0,0,,2,1,',
      'link,2026-W48-a,CTO,,,,,,4,2,1,0.2500',
      '',
    ]);
  });

  it('--since sums the issues sent in the period', async () => {
    project = await sentTwice();
    const week = JSON.parse((await runMain(project.dir, ['report', '--since', '1w', '--json'])).out);
    expect(week.issues).toEqual(['2026-W48']);
    const month = JSON.parse((await runMain(project.dir, ['report', '--since', '30d', '--json'])).out);
    expect(month.issues).toEqual(['2026-W47', '2026-W48']);
    expect(month.total).toMatchObject({ delivered: 8, clicks: 2, unique: 1 });
  });

  it('--since an ISO week keeps the issue named for it and those after, whenever their send began', async () => {
    // The list's zone is Europe/Berlin. 2026-W49's first wave (08:00 Monday in Sydney) began on
    // Sunday in Berlin; 2026-W48 went out a week late, on W49's Monday (as in README's --at example).
    project = await tempProject({ withExample: true });
    const config = await loadConfig({ cwd: project.dir });
    const db = openStateDb(join(config.stateDirAbs, 'state.db'));
    for (const [issue, at] of [
      ['2026-W49', '2026-11-29T21:00:00Z'],
      ['2026-W48', '2026-11-30T07:00:00Z'],
      ['2026-W50', '2026-12-07T07:00:00Z'],
      ['2026-special', '2026-11-29T21:30:00Z'],
      ['2026-extra', '2026-12-01T09:00:00Z'],
    ] as const)
      sqliteAnalyticsStore(db).recordLayout(
        issue,
        { variants: [{ id: 'cto', roles: ['CTO'], sections: [{ role: 'CTO', summaryIds: ['a'] }] }], summaries: [] },
        new Date(at),
      );
    db.close();
    const issues = async (since: string) =>
      JSON.parse((await runMain(project!.dir, ['report', '--since', since, '--json'])).out).issues;
    // An issue not named for a week counts from the week's Monday in the list's zone.
    expect(await issues('2026-W49')).toEqual(['2026-W49', '2026-extra', '2026-W50']);
    expect(await issues('2026-w50')).toEqual(['2026-W50']);
    expect(await issues('2026-W48')).toEqual(['2026-W49', '2026-special', '2026-W48', '2026-extra', '2026-W50']);
    // A date is a moment: what began since then.
    expect(await issues('2026-11-30')).toEqual(['2026-W48', '2026-extra', '2026-W50']);
  });

  it('--since a period with no issue sent says so and names the last issue sent, rather than a bare table of zeros', async () => {
    project = await sentTwice();
    const result = await runMain(project.dir, ['report', '--since', '1d']);
    expect(result.code, result.all).toBe(0);
    expect(result.out.split('\n')[0]).toMatch(
      /^report: no issue sent since \d{4}-\d{2}-\d{2} \d{2}:\d{2} \S+ \(the last sent: 2026-W48\)$/,
    );
    const json = JSON.parse((await runMain(project.dir, ['report', '--since', '1d', '--json'])).out);
    expect(json.issues).toEqual([]);
  });

  it('refuses an issue with no send recorded, naming it and the issues sent, rather than reporting zeros', async () => {
    project = await sentTwice();
    for (const issue of ['issues/2026-W49', 'issues/2026-W4']) {
      const result = await runMain(project.dir, ['report', issue, '--json']);
      expect(result.code, issue).toBe(2);
      expect(result.out).toBe('');
      expect(result.err).toContain(`no send of issue ${issue.slice(7)} is recorded in`);
      expect(result.err).toContain('state.db');
      expect(result.err).toContain('2026-W47, 2026-W48');
    }
    expect((await runMain(project.dir, ['report', 'issues/2026-W47/'])).code).toBe(0);
  });

  it('refuses unclear usage with exit 2', async () => {
    project = await sentTwice();
    for (const args of [
      ['report'],
      ['report', 'issues/2026-W48', '--since', '8w'],
      ['report', 'issues/2026-W48', '--json', '--csv'],
      ['report', '--since', 'soon'],
    ]) {
      const result = await runMain(project.dir, args);
      expect(result.code, args.join(' ')).toBe(2);
    }
    const empty = await tempProject({ withExample: true });
    try {
      const result = await runMain(empty.dir, ['report', 'issues/2026-W48']);
      expect(result.code).toBe(2);
      expect(result.err).toContain('nothing has been sent yet');
    } finally {
      await empty.cleanup();
    }
  });
});
