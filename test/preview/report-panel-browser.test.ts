import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { type PreviewServer, startPreview } from '../../src/preview/index.js';
import { openLedger, openStateDb } from '../../src/send/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { perTest } from '../helpers/per-test.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { ISSUE_DIR, SUBSCRIBERS } from './_fixture.js';

let browser: Browser;
const opened = perTest<{ page: Page; preview: PreviewServer; project: TempProject }>(['page', 'preview', 'project']);

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Last week's issue as a send left it: who got what, three deliveries, two clicks. */
function recordLastWeek(file: string, issueId = '2026-W47', sentAt = new Date('2026-11-17T08:00:00Z')): void {
  const db = openStateDb(file);
  const store = sqliteAnalyticsStore(db);
  store.recordLayout(
    issueId,
    {
      variants: [
        { id: 'cto', roles: ['CTO'], sections: [{ role: 'CTO', summaryIds: ['old-infra'] }] },
        { id: 'designer', roles: ['Designer'], sections: [{ role: 'Designer', summaryIds: ['old-colour'] }] },
      ],
      summaries: [
        { id: 'old-infra', roles: ['CTO'], topics: ['infra'] },
        { id: 'old-colour', roles: ['Designer'], topics: ['colour'] },
      ],
    },
    sentAt,
  );
  const ledger = openLedger(db, issueId, 'smtp', () => sentAt);
  for (const [email, variantId] of [
    ['a@example.com', 'cto'],
    ['b@example.com', 'cto'],
    ['c@example.com', 'designer'],
  ] as const)
    ledger.record({
      email,
      variantId,
      status: 'sent',
      messageId: null,
      responseCode: 250,
      response: null,
      attempts: 1,
    });
  for (const first of [true, false])
    store.recordClick({
      issueId,
      summaryId: 'old-infra',
      role: 'CTO',
      variantId: 'cto',
      kind: 'article',
      target: 'https://example.com/infra',
      at: new Date('2026-11-18T09:00:00Z'),
      first,
    });
  db.close();
}

/** The example issue's preview of `project`, opened in a new page. */
async function openPreview(project: TempProject): Promise<Page> {
  opened.preview = await startPreview({ issueDir: ISSUE_DIR, subscribersFile: SUBSCRIBERS, cwd: project.dir, port: 0 });
  opened.page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await opened.page.goto(opened.preview.url);
  return opened.page;
}

describe('the previous issue report in the preview', () => {
  it('shows last issue’s numbers per role and its most clicked summary beside the editor panel', async () => {
    opened.project = await tempProject({ withExample: true });
    recordLastWeek(join(opened.project.dir, '.rolecast', 'state.db'));
    const logs: string[] = [];
    onTestFailed(() => console.error(`preview server, last log lines:\n${logs.slice(-30).join('\n')}`));
    opened.preview = await startPreview({
      issueDir: ISSUE_DIR,
      subscribersFile: SUBSCRIBERS,
      cwd: opened.project.dir,
      port: 0,
      log: (line) => logs.push(line),
    });
    opened.page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await opened.page.goto(opened.preview.url);
    const panel = opened.page.locator('#last-report');
    await panel.waitFor({ timeout: 30_000 });
    expect(await panel.locator('h2').textContent()).toBe('Last issue: 2026-W47');
    expect(await panel.locator('tr[data-role="CTO"] td').allTextContents()).toEqual(['CTO', '2', '1']);
    expect(await panel.locator('tr[data-role="Designer"] td').allTextContents()).toEqual(['Designer', '1', '0']);
    expect(await panel.locator('.top-links li').first().textContent()).toContain('old-infra in CTO: 50.0% (1 of 2)');
    expect(await panel.locator('.feedback').textContent()).toContain('Designer: no clicks over the last 1 issue(s)');
    // Beside the editor panel: to its right, overlapping it vertically.
    const editor = (await opened.page.locator('#editor').boundingBox())!;
    const report = (await panel.boundingBox())!;
    expect(report.x).toBeGreaterThanOrEqual(editor.x + editor.width);
    expect(report.y).toBeLessThan(editor.y + editor.height);
  }, 90_000);

  it('names the roles of roles.yaml no reader got a section of last time, as rolecast report does', async () => {
    opened.project = await tempProject({ withExample: true });
    recordLastWeek(join(opened.project.dir, '.rolecast', 'state.db'));
    const page = await openPreview(opened.project);
    const line = page.locator('#last-report .unreached-roles');
    await line.waitFor({ timeout: 30_000 });
    const text = (await line.textContent()) ?? '';
    // Last week reached CTO and Designer readers only: every other role of roles.yaml is named.
    expect(text).toContain('No reader got a section of Executive, VP of Engineering/Data,');
    expect(text).toContain('Security Lead');
    expect(text).toContain('(no summary for the role, or no reader holds it)');
    expect(text).not.toMatch(/\bCTO\b|Designer/);
  }, 90_000);

  it('shows the issue sent before an older issue previewed, not one sent after it', async () => {
    // W48 (dated 2026-11-26) was never sent; W49 went out after it, W47 before.
    opened.project = await tempProject({ withExample: true });
    const state = join(opened.project.dir, '.rolecast', 'state.db');
    recordLastWeek(state);
    recordLastWeek(state, '2026-W49', new Date('2026-12-03T08:00:00Z'));
    const page = await openPreview(opened.project);
    await page.locator('#last-report').waitFor({ timeout: 30_000 });
    expect(await page.locator('#last-report h2').textContent()).toBe('Last issue: 2026-W47');
  }, 90_000);

  it('says so when nothing was sent yet', async () => {
    opened.project = await tempProject({ withExample: true });
    const page = await openPreview(opened.project);
    await page.locator('#last-report').waitFor({ timeout: 30_000 });
    expect(await page.locator('#last-report p').textContent()).toContain('No earlier issue has been sent');
  }, 90_000);
});
