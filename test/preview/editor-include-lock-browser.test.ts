import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserPerFile, watchScriptErrors } from '../helpers/browser.js';
import { lockHolder } from '../helpers/lock-holder.js';
import { perTest } from '../helpers/per-test.js';
import { ISSUE_DIR, type PreviewFixture, startFixture } from './_fixture.js';

/**
 * The editor panel's Include, pressed from the keyboard while a `rolecast new` holds the issues
 * folder, as an editor meets it in Chromium: the include waits for the run; what is pressed
 * meanwhile says it was not saved and keeps the typed text; the entry the run took is refused.
 */

const MANIFEST = `${ISSUE_DIR}/issue.json`;
const POOL_PIECE = 'Pool Hygiene for Small Teams\nSummary\nA short piece on a tidy pool.\nBest for: CTO\n';
const NOT_SAVED = 'Not saved: the change before it is still being saved';

const browser = browserPerFile();
const opened = perTest<{ page: Page; fixture: PreviewFixture }>(['page', 'fixture']);

/** Resolves once the preview's log holds `text`; looks a bounded number of times. */
async function logged(f: PreviewFixture, text: string): Promise<boolean> {
  for (let look = 0; look < 600; look++) {
    if (f.logs.some((line) => line.includes(text))) return true;
    await new Promise((done) => setTimeout(done, 50));
  }
  return false;
}

const statusText = (p: Page) => p.locator('#edit-status').textContent();
const order = (p: Page) =>
  p.locator('#edit-summaries > li').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.value));

/** The example project with one pool entry, previewed in a page whose script errors are watched. */
async function openPanel(expected?: (line: string) => boolean) {
  const f = await startFixture({ files: { 'issues/_pool/pool-piece.txt': POOL_PIECE } });
  opened.fixture = f;
  const p = await browser().newPage({ viewport: { width: 1200, height: 900 } });
  opened.page = p;
  const errors = watchScriptErrors(p, expected);
  await p.goto(f.preview.url);
  return { f, p, errors };
}

describe('including a pool entry from the editor panel while rolecast new runs, in Chromium', () => {
  it('waits, says so of what is pressed meanwhile, refuses the entry the run took, and keeps the typed text', async () => {
    const { f, p, errors } = await openPanel((line) => line.includes('422'));
    const before = await readFile(f.project.path(MANIFEST), 'utf8');
    const listed = await order(p);
    const run = await lockHolder();
    try {
      await f.project.write('issues/.rolecast-new.lock', run.row);
      await p.locator('#edit-candidates li[data-value="pool:pool-piece"] button.include').focus();
      await p.keyboard.press('Enter');
      expect(await logged(f, 'waiting for another rolecast new')).toBe(true);
      await expect(p.locator('#editor').getAttribute('aria-busy')).resolves.toBe('true');

      // Meanwhile the editor saves new text and moves a summary: neither is taken, and the page says so.
      await p.locator('#edit-subject').fill('A subject typed while waiting');
      await p.locator('#edit-subject').press('Enter');
      await expect(statusText(p)).resolves.toContain(NOT_SAVED);
      await p.locator('#edit-status').evaluate((status) => {
        status.textContent = '';
      });
      await p.locator('#edit-summaries > li').first().locator('button.move[data-move="1"]').click();
      await expect(statusText(p)).resolves.toContain(NOT_SAVED);
      expect(await order(p)).toEqual(listed);
      expect(await readFile(f.project.path(MANIFEST), 'utf8')).toBe(before);

      // The run writes its issue, taking the entry, and ends: the include is refused.
      await f.project.write(
        'issues/2026-W49/issue.json',
        `${JSON.stringify({ ...JSON.parse(before), summaries: ['pool:pool-piece'] }, null, 2)}\n`,
      );
      run.child.kill('SIGKILL');
      await p.waitForFunction(
        () =>
          document.getElementById('edit-status')?.dataset.kind === 'error' &&
          !document.getElementById('editor')?.hasAttribute('aria-busy'),
      );
      await expect(statusText(p)).resolves.toContain('"pool:pool-piece" is not a summary file this issue can include');
      expect(await readFile(f.project.path(MANIFEST), 'utf8')).toBe(before);
    } finally {
      run.child.kill('SIGKILL');
    }
    // The typed text is still there, and saves now.
    await expect(p.locator('#edit-subject').inputValue()).resolves.toBe('A subject typed while waiting');
    await p.locator('#edit-save').click();
    await p.waitForFunction(() => document.getElementById('edit-status')?.dataset.kind === 'ok');
    expect(JSON.parse(await readFile(f.project.path(MANIFEST), 'utf8')).subject).toBe('A subject typed while waiting');
    expect(errors).toEqual([]);
  });
});

describe('an include that goes through once rolecast new ends, with text typed meanwhile, in Chromium', () => {
  it('is saved and the typed text stays in the panel, to be saved after it', async () => {
    const { f, p, errors } = await openPanel();
    const run = await lockHolder();
    try {
      await f.project.write('issues/.rolecast-new.lock', run.row);
      await p.locator('#edit-candidates li[data-value="pool:pool-piece"] button.include').click();
      expect(await logged(f, 'waiting for another rolecast new')).toBe(true);
      await p.locator('#edit-intro').fill('An intro typed while the include waited.');
      // The run ends without taking the entry: the include goes through.
      run.child.kill('SIGKILL');
      await p.waitForFunction(() => !document.getElementById('editor')?.hasAttribute('aria-busy'));
    } finally {
      run.child.kill('SIGKILL');
    }
    expect(JSON.parse(await readFile(f.project.path(MANIFEST), 'utf8')).summaries).toContain('pool:pool-piece');
    await expect(statusText(p)).resolves.toBe(
      'Saved to issue.json. Your unsaved text is kept: save it, and the page reloads.',
    );
    // The live reload of the include's own write waits while the text is unsaved.
    expect(await logged(f, 'issue.json written from the editor panel (include)')).toBe(true);
    await expect(p.locator('#edit-intro').inputValue()).resolves.toBe('An intro typed while the include waited.');
    await p.locator('#edit-save').click();
    // The page reloads, then again once the saved text has rendered: both changes show.
    await p.waitForFunction(
      (intro) =>
        (document.getElementById('edit-intro') as HTMLTextAreaElement | null)?.defaultValue === intro &&
        document.querySelector('#edit-summaries li[data-value="pool:pool-piece"]') !== null,
      'An intro typed while the include waited.',
    );
    expect(JSON.parse(await readFile(f.project.path(MANIFEST), 'utf8')).intro).toBe(
      'An intro typed while the include waited.',
    );
    expect(errors).toEqual([]);
  });
});
