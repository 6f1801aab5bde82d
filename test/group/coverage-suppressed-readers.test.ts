import { afterEach, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { type PreviewFixture, startFixture } from '../preview/_fixture.js';

/**
 * `rolecast check --subscribers` counted a reader on the suppression list (bounced, complained,
 * suppressed by hand) in its coverage table: readers per role, the variants and their readers, the
 * active count and the readers who get nothing, while `send --dry-run` leaves that reader out. A role
 * whose only reader is suppressed read as reached. The table now counts the readers a send mails.
 */

let project: TempProject | undefined;
let fixture: PreviewFixture | undefined;
afterEach(async () => {
  // The CLI's project and the preview's, each removed once its test is done.
  await Promise.all([project?.cleanup(), fixture?.close()]);
  [project, fixture] = [undefined, undefined];
});

interface CheckJson {
  coverage: {
    rows: { role: string; readers?: number }[];
    audience: { readers: number; variants: { id: string; readers: number }[]; getNothing: { email: string }[] };
  };
}

async function checked(dir: string): Promise<CheckJson> {
  const result = await runMain(dir, [
    'check',
    'issues/2026-W48',
    '--subscribers',
    'subscribers.example.json',
    '--json',
  ]);
  return JSON.parse(result.out) as CheckJson;
}

describe('the coverage table and the suppression list', () => {
  it('leaves out suppressed readers, as send --dry-run does', async () => {
    project = await tempProject({ withExample: true });
    const before = await checked(project.dir);
    const executives = before.coverage.rows.find((row) => row.role === 'Executive')?.readers ?? 0;
    expect(executives).toBe(2);
    // Ellen holds Executive alone; Sam holds Designer alone, a role with no summary.
    for (const email of ['ellen.park@example.com', 'sam.okafor@example.org'])
      expect((await runMain(project.dir, ['suppress', 'add', email])).code).toBe(0);

    const after = await checked(project.dir);
    expect(after.coverage.rows.find((row) => row.role === 'Executive')?.readers).toBe(executives - 1);
    expect(after.coverage.rows.find((row) => row.role === 'Designer')?.readers).toBe(0);
    expect(after.coverage.audience.readers).toBe(before.coverage.audience.readers - 2);
    expect(after.coverage.audience.variants.find((v) => v.id === 'executive')).toBeUndefined();
    expect(after.coverage.audience.getNothing.map((r) => r.email)).not.toContain('sam.okafor@example.org');

    const dryRun = await runMain(project.dir, [
      'send',
      'issues/2026-W48',
      '--subscribers',
      'subscribers.example.json',
      '--dry-run',
    ]);
    const mailed = Number(/would send (\d+) message/.exec(dryRun.all)?.[1]);
    expect(after.coverage.audience.variants.reduce((sum, v) => sum + v.readers, 0)).toBe(mailed);
  });

  it("leaves them out of the preview's checks panel too", async () => {
    fixture = await startFixture({
      prepare: async (made) => {
        expect((await runMain(made.dir, ['suppress', 'add', 'ellen.park@example.com'])).code).toBe(0);
      },
    });
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${fixture.preview.port}/`);
      const executives = await page.locator('table.coverage tr[data-role="Executive"] td:last-child').textContent();
      const variants = await page.locator('table.coverage-variants td:first-child').allTextContents();
      expect(executives).toBe('1');
      expect(variants).not.toContain('executive');
      expect(await page.locator('p.variants').textContent()).toContain('10 active reader(s)');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
