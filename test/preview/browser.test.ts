import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.js';
import { REPO_ROOT } from '../helpers/project.js';
import { ISSUE_DIR, type PreviewFixture, startFixture } from './_fixture.js';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const SUMMARY = `${ISSUE_DIR}/summaries/page-budget-for-on-call.txt`;
const SUMMARY_TITLE = 'An Error Budget for Pages, Not Just Uptime';

let browser: Browser;
let fixture: PreviewFixture | undefined;
let page: Page | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
  await mkdir(ARTIFACTS, { recursive: true });
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
  if (!fixture) throw new Error('start the fixture first');
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.goto(new URL(path, fixture.preview.url).toString());
  return page;
}

/** Text of the message frame's body, once the frame has loaded. */
function frameText(p: Page): Promise<string> {
  return p.evaluate(() => {
    const frame = document.getElementById('message-frame') as HTMLIFrameElement | null;
    return frame?.contentDocument?.body?.textContent ?? '';
  });
}

async function waitForFrameText(p: Page, text: string, timeout = 10_000): Promise<void> {
  await p.waitForFunction(
    (expected) => {
      const frame = document.getElementById('message-frame') as HTMLIFrameElement | null;
      return (frame?.contentDocument?.body?.textContent ?? '').includes(expected);
    },
    text,
    { timeout, polling: 20 },
  );
}

async function edit(relative: string, change: (text: string) => string): Promise<string> {
  const file = fixture!.project.path(relative);
  const original = await readFile(file, 'utf8');
  const changed = change(original);
  if (changed === original) throw new Error(`the edit to ${relative} changed nothing`);
  await writeFile(file, changed);
  return original;
}

describe('preview in headless Chromium', () => {
  it('shows the index, a variant and a subscriber, at desktop and mobile widths', async () => {
    fixture = await startFixture();
    const p = await open('/');
    await expect(p.locator('h1').first().textContent()).resolves.toContain('Rolecast Weekly');
    await expect(p.locator('#issue-subject').textContent()).resolves.toBe(
      'What a Feature Store Actually Costs in Year Two + 8 more · Week 48',
    );
    await expect(p.locator('#issue-preheader').textContent()).resolves.toContain('Eval harnesses');
    expect(await p.locator('#variants tbody tr').count()).toBeGreaterThan(2);
    expect(await p.locator('#checks table.sizes tbody tr').count()).toBe(await p.locator('#variants tbody tr').count());

    await p.fill('#subscriber-filter', 'priya');
    await expect(p.locator('tr.subscriber:visible').count()).resolves.toBe(1);

    await p.click('#variants a[href="/variant/cto"]');
    await p.waitForURL(/\/variant\/cto$/);
    await waitForFrameText(p, 'For CTO');
    await expect(p.locator('#headers').textContent()).resolves.toContain(
      'Five Questions Boards Are Asking About AI Spend + 2 more · Week 48',
    );
    await p.screenshot({ path: join(ARTIFACTS, 'preview-variant-desktop.png'), fullPage: true });

    await p.goto(new URL('/', fixture.preview.url).toString());
    await p.click('tr.subscriber a[href="/subscriber/priya.raman%40example.com"]');
    await waitForFrameText(p, 'Hi Priya,');
    const headers = await p.locator('#headers').textContent();
    expect(headers).toContain('"Priya Raman" <priya.raman@example.com>');
    expect(headers).toContain('"Rolecast Weekly" <digest@rolecast.example>');
    expect((await p.locator('#message-frame').boundingBox())?.width).toBe(680);
    await p.screenshot({ path: join(ARTIFACTS, 'preview-desktop.png'), fullPage: true });

    await p.click('button.width[data-width="mobile"]');
    await p.waitForFunction(() => document.getElementById('message-frame')?.getBoundingClientRect().width === 375);
    const innerWidth = await p.evaluate(
      () => (document.getElementById('message-frame') as HTMLIFrameElement).contentWindow?.innerWidth,
    );
    expect(innerWidth).toBe(375);
    expect(p.url()).toContain('width=mobile');
    await p.screenshot({ path: join(ARTIFACTS, 'preview-mobile.png'), fullPage: true });

    await p.click('#dark-toggle');
    await p.waitForFunction(() => {
      const doc = (document.getElementById('message-frame') as HTMLIFrameElement).contentDocument;
      // The frame may be mid-navigation: no root element yet, or a window from the page being replaced.
      const root = doc?.documentElement;
      const view = doc?.defaultView;
      if (!doc || !root || !view || !doc.URL.includes('scheme=dark')) return false;
      return view.getComputedStyle(root).colorScheme === 'dark';
    });
    await p.screenshot({ path: join(ARTIFACTS, 'preview-mobile-dark.png'), fullPage: true });

    await p.click('button.tab[data-tab="text"]');
    await expect(p.locator('#message-text').isVisible()).resolves.toBe(true);
    await expect(p.locator('#message-text').textContent()).resolves.toContain('Hi Priya,');
    await expect(p.locator('#message-frame').isVisible()).resolves.toBe(false);
    await p.click('button.tab[data-tab="source"]');
    await expect(p.locator('#message-source').textContent()).resolves.toMatch(/MIME-Version: 1\.0/);

    const [download] = await Promise.all([p.waitForEvent('download'), p.click('#download-eml')]);
    expect(download.suggestedFilename()).toBe('2026-W48-priya.raman@example.com.eml');
  });

  it('reloads the open page by itself when a summary changes, keeping the view controls', async () => {
    fixture = await startFixture();
    const p = await open('/variant/editor?width=mobile');
    await waitForFrameText(p, SUMMARY_TITLE);
    const latencies: number[] = [];
    for (let round = 1; round <= 3; round++) {
      const stamp = `Edited live, round ${round}`;
      const started = performance.now();
      await edit(SUMMARY, (text) => text.replace(/^.*$/m, `${SUMMARY_TITLE} (${stamp})`));
      await waitForFrameText(p, stamp);
      latencies.push(Math.round(performance.now() - started));
    }
    expect((await p.locator('#message-frame').boundingBox())?.width).toBe(375);
    console.log(`preview reload latency (summary edit → frame shows it), ms: ${latencies.join(', ')}`);
  });

  it('re-renders on template, role taxonomy and subscribers edits', async () => {
    fixture = await startFixture();
    // A reader of two sections: their bands show each section's heading (one section has none).
    const p = await open('/variant/cto+executive');
    await waitForFrameText(p, 'For CTO');

    await edit('templates/partials/footer.mjml.hbs', (text) =>
      text.replace('{{footer.postalAddress}}</mj-text>', '{{footer.postalAddress}} · template edited</mj-text>'),
    );
    await waitForFrameText(p, 'template edited');

    await edit('roles.yaml', (text) => text.replace(/^( {2}- name: CTO\n.*\n)/m, '$1    heading: Corner office\n'));
    await waitForFrameText(p, 'Corner office');

    await p.goto(new URL('/', fixture.preview.url).toString());
    await edit('subscribers.example.json', (text) =>
      text.replace(
        '"subscribers": [',
        '"subscribers": [\n    { "email": "new.reader@example.com", "name": "Newly Added Reader", "roles": ["CTO"] },',
      ),
    );
    await p.waitForSelector('text=Newly Added Reader', { timeout: 10_000 });
  });

  it('shows an error overlay naming file and line, and recovers when the file is fixed', async () => {
    fixture = await startFixture();
    const p = await open('/subscriber/priya.raman%40example.com?width=mobile');
    await waitForFrameText(p, 'Hi Priya,');

    const summary = await edit(SUMMARY, (text) => text.replace(/^Summary\r?\n.*\r?\n/m, ''));
    const overlay = p.locator('#error-overlay');
    await overlay.waitFor({ timeout: 10_000 });
    expect(await overlay.textContent()).toMatch(
      /page-budget-for-on-call\.txt:\d+: summary: the "Summary" section is missing/,
    );
    await p.screenshot({ path: join(ARTIFACTS, 'preview-error-overlay.png') });
    // Beneath the errors, the last good render stays in place.
    expect(await frameText(p)).toContain('Hi Priya,');
    await writeFile(fixture.project.path(SUMMARY), summary);
    await overlay.waitFor({ state: 'detached', timeout: 10_000 });
    await waitForFrameText(p, 'Hi Priya,');
    expect((await p.locator('#message-frame').boundingBox())?.width).toBe(375);

    const manifest = await edit(`${ISSUE_DIR}/issue.json`, (text) =>
      text.replace('"date": "2026-11-26",', '"date": ,'),
    );
    await overlay.waitFor({ timeout: 10_000 });
    expect(await overlay.textContent()).toMatch(/issue\.json:\d+: json: invalid JSON/);
    await writeFile(fixture.project.path(`${ISSUE_DIR}/issue.json`), manifest);
    await overlay.waitFor({ state: 'detached', timeout: 10_000 });
    await waitForFrameText(p, 'Hi Priya,');
    expect(await frameText(p)).toContain('Rolecast Weekly');

    // A broken role taxonomy stops the project loading; fixing it must still be noticed.
    const roles = await edit('roles.yaml', (text) => `${text}\n  - name: CTO\n`);
    await overlay.waitFor({ timeout: 10_000 });
    expect(await overlay.textContent()).toMatch(/roles\.yaml/);
    await writeFile(fixture.project.path('roles.yaml'), roles);
    await overlay.waitFor({ state: 'detached', timeout: 10_000 });
    await waitForFrameText(p, 'Hi Priya,');
  });
});
