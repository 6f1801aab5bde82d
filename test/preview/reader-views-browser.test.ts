import { closeSync, existsSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { addSuppression, openStateDb } from '../../src/send/index.js';
import { browserPerFile, watchScriptErrors } from '../helpers/browser.js';
import { perTest } from '../helpers/per-test.js';
import { type PreviewFixture, startFixture } from './_fixture.js';

/**
 * The preview as an editor uses it in Chromium: following the index's links to each reader's view,
 * the variant views and the editor edition, reading what each page says, and sending a test from
 * the keyboard. A view may be shown or passed on, so none names a reader it does not show.
 */

const browser = browserPerFile();
const opened = perTest<{ page: Page; fixture: PreviewFixture }>(['page', 'fixture']);

async function openIndex(f: PreviewFixture): Promise<{ page: Page; errors: string[] }> {
  const page = await browser().newPage({ viewport: { width: 1200, height: 900 } });
  opened.page = page;
  // A refused test send answers with an error status, which the console reports.
  const errors = watchScriptErrors(page, (line) => /status of (409|502)/.test(line));
  await page.goto(f.preview.url);
  return { page, errors };
}

/** Everything the page holds: its own DOM (hidden text and source panels included) and its frames'. */
async function everythingShown(p: Page): Promise<string> {
  await p.locator('#message-frame').waitFor({ state: 'attached' });
  await p.waitForFunction(() => {
    const frame = document.getElementById('message-frame') as HTMLIFrameElement | null;
    return (frame?.contentDocument?.body?.textContent ?? '').length > 0;
  });
  const frames = await Promise.all(p.frames().map((frame) => frame.content()));
  return [p.url(), await p.title(), ...frames].join('\n');
}

/** Types an address into "Send me a test" and presses Enter, as a keyboard user does; gives the outcome. */
async function sendTestFromKeyboard(p: Page, to: string): Promise<{ kind: string; text: string }> {
  await p.locator('#test-to').fill(to);
  await p.locator('#test-to').press('Enter');
  await p.waitForFunction(() => {
    const kind = document.getElementById('test-status')?.dataset.kind;
    return kind === 'ok' || kind === 'error';
  });
  const status = p.locator('#test-status');
  return { kind: (await status.getAttribute('data-kind')) ?? '', text: (await status.textContent()) ?? '' };
}

/** A real state file that suppresses `email`, then damaged in its header so it cannot be opened. */
function damagedStateSuppressing(file: string, email: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const db = openStateDb(file);
  addSuppression(db, email, { reason: 'unsubscribe' });
  db.close();
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.from('not a database!!'), 0, 16, 0);
  closeSync(fd);
}

describe('the preview of a project whose state file is damaged, in Chromium', () => {
  it('shows the suppressed reader as receiving, with a warning naming the file, and refuses a test send', async () => {
    opened.fixture = await startFixture({
      prepare: (project) => damagedStateSuppressing(project.path('.rolecast/state.db'), 'deepak.iyer@example.net'),
    });
    const { page: p, errors } = await openIndex(opened.fixture);
    await p.waitForSelector('#checks li.warning');
    const warnings = await p.locator('#checks ul.problems li').allTextContents();
    const stateWarning = warnings.find((w) => w.includes('state.db'));
    expect(stateWarning).toMatch(/state file \S+\.rolecast\/state\.db is damaged/);
    expect(stateWarning).toContain('readers on the suppression list are shown as receiving it');
    // The suppressed reader cannot be told from the others: shown as receiving, their view linked.
    const deepak = p.locator('#subscribers tr', { hasText: 'deepak.iyer@example.net' });
    await expect(deepak.locator('a').first().getAttribute('href')).resolves.toBe(
      '/subscriber/deepak.iyer%40example.net',
    );
    expect(await deepak.textContent()).not.toContain('not sent');

    // A test send reads the same state, and refuses it: from the index and from a reader's view.
    const fromIndex = await sendTestFromKeyboard(p, 'editor@example.net');
    expect(fromIndex.kind).toBe('error');
    expect(fromIndex.text).toMatch(/state\.db is damaged.*nothing was sent/);
    await deepak.locator('a').first().click();
    await p.locator('h1#view-title').waitFor();
    const fromView = await sendTestFromKeyboard(p, 'editor@example.net');
    expect(fromView.kind).toBe('error');
    expect(fromView.text).toMatch(/state\.db is damaged.*nothing was sent/);
    expect(existsSync(opened.fixture.project.path('outbox'))).toBe(false);
    expect(errors).toEqual([]);
  });
});

/** Readers who receive the issue (the odd addresses among them) and readers who get nothing. */
const RECEIVING = [
  { email: 'ann@example.com', name: 'Ann', roles: ['CTO'] },
  { email: '100%@example.com', name: 'Percy', roles: ['CTO'] },
  { email: 'a/b@example.com', name: 'Slash', roles: ['Executive'] },
  { email: "o'hara+news@example.com", name: 'Ohara', roles: ['CTO'] },
];
const GET_NOTHING = [
  { email: 'bob.plumber@example.com', name: 'Bob', roles: ['Plumber'] },
  { email: "o'brien@example.com", name: 'Orla', roles: ['Plumber'] },
  { email: 'dee.noroles@example.net', name: 'Dee', roles: [] },
];
const LIST = JSON.stringify([...RECEIVING, ...GET_NOTHING]);
const ALL = [...RECEIVING, ...GET_NOTHING].map((r) => r.email);

/** Asserts the page names no address of the list but `own`, and says where the others are named. */
async function namesOnly(p: Page, own: string | undefined): Promise<void> {
  const shown = await everythingShown(p);
  for (const address of ALL) if (address !== own) expect(shown, `${p.url()} names ${address}`).not.toContain(address);
  await expect(p.locator('#checks p.naming-readers').textContent()).resolves.toBe(
    '1 warning(s) naming readers: see the index.',
  );
}

describe('views reached from the index, in Chromium', () => {
  it("each reader's view, each variant's and the editor edition name no other reader, and link to the index that does", async () => {
    opened.fixture = await startFixture({ files: { 'list.json': LIST }, subscribers: 'list.json' });
    const { page: p, errors } = await openIndex(opened.fixture);
    const index = opened.fixture.preview.url;
    const nothing = await p.locator('#checks ul.get-nothing').textContent();
    for (const { email } of GET_NOTHING) expect(nothing).toContain(email);

    for (const reader of RECEIVING) {
      await p.goto(index);
      // The name in the index is the link to the reader's view, whatever their address holds.
      await p
        .locator('#subscribers tr.subscriber', { hasText: reader.email })
        .getByRole('link', { name: reader.name })
        .click();
      await expect(p.locator('h1#view-title').textContent()).resolves.toBe(reader.name);
      await expect(p.locator('#headers').textContent()).resolves.toContain(`<${reader.email}>`);
      await namesOnly(p, reader.email);
      // Its variant, linked from the view, as the sample reader gets it.
      await p.locator('section.reader p a').click();
      await p.locator('h1#view-title').waitFor();
      await namesOnly(p, undefined);
    }

    await p.goto(index);
    await p.locator('#editor-link').click();
    await expect(p.locator('h1#view-title').textContent()).resolves.toBe('Editor edition');
    await namesOnly(p, undefined);
    // "see the index" leads to the index's checks, which name them.
    await p.locator('#checks p.naming-readers').getByRole('link', { name: 'index' }).click();
    await p.waitForURL(`${index}#checks`);
    const warnings = (await p.locator('#checks ul.problems').textContent()) ?? '';
    expect(warnings).toMatch(/3 reader\(s\) get nothing this issue: bob\.plumber@example\.com/);
    expect(errors).toEqual([]);
  });
});

/** A line of the list whose address was mistyped: the list no longer loads, naming it. */
const MISTYPED = 'jane.doe@@example.com';
const BROKEN_LIST = JSON.stringify([...RECEIVING, { email: MISTYPED, name: 'Jane', roles: ['CTO'] }]);

describe('a reader view while the list cannot be loaded, in Chromium', () => {
  it('shows the problems over the view without the mistyped address, which the index names', async () => {
    opened.fixture = await startFixture({ files: { 'list.json': LIST }, subscribers: 'list.json' });
    const f = opened.fixture;
    const { page: p, errors } = await openIndex(f);
    await p.goto(new URL('/subscriber/ann%40example.com', f.preview.url).toString());
    await p.locator('h1#view-title').waitFor();
    await f.project.write('list.json', BROKEN_LIST);
    const overlay = p.locator('#error-overlay');
    await overlay.waitFor();
    expect(await p.content()).not.toContain('jane.doe');
    await expect(overlay.locator('p.naming-readers').textContent()).resolves.toBe(
      '1 problem(s) naming an address: see the index.',
    );
    await overlay.getByRole('link', { name: 'index' }).click();
    await p.waitForURL(f.preview.url);
    await expect(p.locator('#error-overlay').textContent()).resolves.toContain(MISTYPED);

    // Nothing rendered yet: the same at a view's address. The page leaves first, so its live
    // reload does not try the closed server.
    await p.goto('about:blank');
    await opened.fixture.close();
    opened.fixture = await startFixture({ files: { 'list.json': BROKEN_LIST }, subscribers: 'list.json' });
    await p.goto(new URL('/subscriber/ann%40example.com', opened.fixture.preview.url).toString());
    await p.locator('#error-overlay').waitFor();
    expect(await p.content()).not.toContain('jane.doe');
    await p.goto(opened.fixture.preview.url);
    await expect(p.locator('#error-overlay').textContent()).resolves.toContain(MISTYPED);
    expect(errors).toEqual([]);
  });
});
