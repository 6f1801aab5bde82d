import { readFile, writeFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, watchScriptErrors } from '../helpers/browser.js';
import { ISSUE_DIR, type PreviewFixture, startFixture } from './_fixture.js';

/**
 * The checks panel's warning of text compact cards leave out, and the heading of an issue without
 * a title, as an editor sees them in Chromium: each appears on the open page once the edit that
 * calls for it is saved, with no script error on the way.
 */

const COMPACT_WARNING = 'compact cards leave out text of';

let browser: Browser;
let fixture: PreviewFixture | undefined;
let page: Page | undefined;
let scriptErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await page?.close();
  page = undefined;
  await fixture?.close();
  fixture = undefined;
});

async function open(path: string): Promise<Page> {
  fixture = await startFixture();
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  scriptErrors = watchScriptErrors(page);
  await page.goto(new URL(path, fixture.preview.url).toString());
  return page;
}

async function editJson(relative: string, change: (json: Record<string, unknown>) => void): Promise<void> {
  const file = fixture!.project.path(relative);
  const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  change(json);
  await writeFile(file, JSON.stringify(json, null, 2));
}

describe("the preview's checks panel and heading in Chromium", () => {
  it('shows the warning of compact text no reader can read, and the brand as heading, once the edits are saved', async () => {
    const p = await open('/');
    const problems = p.locator('#checks ul.problems');
    await expect(problems.textContent()).resolves.not.toContain(COMPACT_WARNING);
    await editJson('rolecast.config.json', (config) => {
      delete (config.urls as Record<string, unknown>).archive;
    });
    await editJson(`${ISSUE_DIR}/issue.json`, (manifest) => {
      delete manifest.title;
      manifest.subject = 'Untitled week {{week}}';
    });
    await p.locator('#issue-subject', { hasText: 'Untitled week' }).waitFor({ timeout: 15_000 });
    const warning = problems.locator('li', { hasText: COMPACT_WARNING });
    await warning.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await warning.textContent()).toContain('principle(s)');
    const heading = p.getByRole('heading', { level: 1 });
    expect(((await heading.textContent()) ?? '').replace(/\s+/g, ' ').trim()).toBe('Rolecast Weekly 2026-W48');
    expect(await heading.locator('small').textContent()).toBe('2026-W48');

    // A variant's own panel lists it too: it concerns every reader of compact cards.
    await p.goto(new URL('/variant/cto', fixture!.preview.url).toString());
    await expect(p.locator('#checks ul.problems li', { hasText: COMPACT_WARNING }).isVisible()).resolves.toBe(true);
    expect(scriptErrors).toEqual([]);
  });
});
