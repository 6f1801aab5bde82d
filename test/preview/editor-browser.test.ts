import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { type PreviewServer, startPreview } from '../../src/preview/index.js';
import { launchBrowser } from '../helpers/browser.js';
import { perTest } from '../helpers/per-test.js';
import { REPO_ROOT, type TempProject, tempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { startRawServer } from '../send/_raw-smtp.js';
import { ISSUE_DIR, SUBSCRIBERS } from './_fixture.js';

const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const MANIFEST = `${ISSUE_DIR}/issue.json`;
const EXTRA = 'summaries/ledger-hygiene.txt';
const EXTRA_TEXT = `Ledger Hygiene for Small Teams
Summary
A short piece on keeping a tidy send ledger.
Best for: CTO
`;

let browser: Browser;
const opened = perTest<{ page: Page; preview: PreviewServer; smtp: TestSmtpServer; project: TempProject }>([
  'page',
  'preview',
  'smtp',
  'project',
]);

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** The example project with one unlisted summary in the issue folder and one in the pool. */
async function start(env: NodeJS.ProcessEnv = {}): Promise<Page> {
  opened.project = await tempProject({
    withExample: true,
    files: {
      [`${ISSUE_DIR}/${EXTRA}`]: EXTRA_TEXT,
      'issues/_pool/pool-piece.txt': EXTRA_TEXT.replace('Ledger', 'Pool'),
    },
  });
  const logs: string[] = [];
  onTestFailed(() => console.error(`preview server, last log lines:\n${logs.slice(-30).join('\n')}`));
  opened.preview = await startPreview({
    issueDir: ISSUE_DIR,
    subscribersFile: SUBSCRIBERS,
    cwd: opened.project.dir,
    port: 0,
    env,
    log: (line) => logs.push(line),
  });
  opened.page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await opened.page.goto(opened.preview.url);
  await markPage(opened.page);
  return opened.page;
}

/** A flag that only survives until the page reloads. */
function markPage(p: Page): Promise<void> {
  return p.evaluate(() => {
    (window as unknown as { notReloaded: boolean }).notReloaded = true;
  });
}

async function reloaded(p: Page): Promise<void> {
  await p.waitForFunction(() => !(window as unknown as { notReloaded?: boolean }).notReloaded, undefined, {
    timeout: 15_000,
  });
  await p.waitForSelector('#editor');
  await markPage(p);
}

async function manifest(): Promise<Record<string, unknown> & { summaries: string[]; roleOrder: string[] }> {
  return JSON.parse(await readFile(opened.project!.path(MANIFEST), 'utf8'));
}

const listed = (p: Page, list: string) =>
  p.locator(`#${list} > li`).evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.value));

describe('editor panel in headless Chromium', () => {
  it('reorders summaries from the keyboard and roles by dragging: issue.json changes on disk, the page reloads', async () => {
    const p = await start();
    const before = await manifest();
    const [first, second] = before.summaries;

    // Keyboard only: focus the first summary's "down" button and press Enter.
    await p.locator('#edit-summaries > li').first().locator('button.move[data-move="1"]').focus();
    await p.keyboard.press('Enter');
    await reloaded(p);
    const after = await manifest();
    expect(after.summaries.slice(0, 2)).toEqual([second, first]);
    expect(after.summaries.slice(2)).toEqual(before.summaries.slice(2));
    expect(await listed(p, 'edit-summaries')).toEqual(after.summaries);
    // Focus comes back to the moved summary's buttons, so the keyboard user can keep going.
    const focused = await p.evaluate(() => document.activeElement?.closest('li')?.dataset.value);
    expect(focused).toBe(first);
    const text = await readFile(opened.project!.path(MANIFEST), 'utf8');
    expect(text).toBe(`${JSON.stringify(after, null, 2)}\n`);

    const roles = await listed(p, 'edit-roles');
    await p
      .locator('#edit-roles > li')
      .nth(0)
      .dragTo(p.locator('#edit-roles > li').nth(2), {
        targetPosition: { x: 20, y: 30 },
      });
    await reloaded(p);
    const dragged = (await manifest()).roleOrder;
    expect(dragged.slice(0, 3)).toEqual([roles[1], roles[2], roles[0]]);
    expect(await listed(p, 'edit-roles')).toEqual(dragged.filter((r) => roles.includes(r)));
    await mkdir(ARTIFACTS, { recursive: true });
    await p.locator('#editor').screenshot({ path: join(ARTIFACTS, 'preview-editor-panel.png') });
  });

  it('excludes a summary and includes one from the issue folder', async () => {
    const p = await start();
    const before = await manifest();
    const gone = before.summaries[3]!;
    await p.locator(`#edit-summaries > li[data-value="${gone}"] button.exclude`).click();
    await reloaded(p);
    expect((await manifest()).summaries).toEqual(before.summaries.filter((s) => s !== gone));
    expect(await p.locator(`#edit-candidates li[data-value="${gone}"]`).count()).toBe(1);
    expect(await p.locator('#variants').textContent()).not.toContain('Build, Buy, or Borrow');

    await p.locator(`#edit-candidates li[data-value="${EXTRA}"] button.include`).click();
    await reloaded(p);
    expect((await manifest()).summaries.at(-1)).toBe(EXTRA);
    expect(await p.locator('#edit-summaries').textContent()).toContain('Ledger Hygiene for Small Teams');
    expect(await p.locator('#edit-candidates').textContent()).toContain('pool:pool-piece');

    // A pool entry is included by its pool id, and the issue renders it.
    await p.locator('#edit-candidates li[data-value="pool:pool-piece"] button.include').click();
    await reloaded(p);
    expect((await manifest()).summaries.at(-1)).toBe('pool:pool-piece');
    expect(await p.locator('#edit-summaries').textContent()).toContain('Pool Hygiene for Small Teams');
  });

  it('edits the subject: issue.json changes, the page reloads and shows the new subject', async () => {
    const p = await start();
    await p.fill('#edit-subject', 'Edited from the panel · Week {{week}}');
    await p.fill('#edit-editorNote', '');
    await p.press('#edit-subject', 'Enter');
    await reloaded(p);
    const after = await manifest();
    expect(after.subject).toBe('Edited from the panel · Week {{week}}');
    expect(after).not.toHaveProperty('editorNote');
    expect(after.intro).toBeTypeOf('string');
    expect(await p.locator('#issue-subject').textContent()).toBe('Edited from the panel · Week 48');
    expect(await p.inputValue('#edit-subject')).toBe('Edited from the panel · Week {{week}}');
  });

  it('refuses a stale write after an outside edit with 409, and leaves the file as edited outside', async () => {
    const p = await start();
    await p.fill('#edit-subject', 'Typed in the panel');
    const outside = (await readFile(opened.project!.path(MANIFEST), 'utf8')).replace(
      /"preheader": "[^"]*"/,
      '"preheader": "Changed in another editor"',
    );
    await writeFile(opened.project!.path(MANIFEST), outside);
    // The live reload is held while the panel has unsaved text; the page learns the file changed.
    await p.waitForFunction(() => document.body.dataset.stale === 'true', undefined, { timeout: 15_000 });
    expect(await p.locator('#edit-status').textContent()).toContain('Your text is kept');

    const [response] = await Promise.all([p.waitForResponse('**/__edit'), p.click('#edit-save')]);
    expect(response.status()).toBe(409);
    await expect(p.locator('#edit-status').textContent()).resolves.toContain(
      'issue.json was changed outside the preview since this page was loaded',
    );
    expect(await p.inputValue('#edit-subject')).toBe('Typed in the panel');
    expect(await readFile(opened.project!.path(MANIFEST), 'utf8')).toBe(outside);
  });

  it('refuses writes without the token, with a wrong one, or from another origin (403)', async () => {
    const p = await start();
    const original = await readFile(opened.project!.path(MANIFEST), 'utf8');
    const version = await p.locator('#editor').getAttribute('data-issue-version');
    const edit = { version, edit: { op: 'set', fields: { subject: 'Forged' } } };
    const statuses = await p.evaluate(async (body) => {
      const post = (headers: Record<string, string>) =>
        fetch('/__edit', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body }).then(
          (r) => r.status,
        );
      return [await post({}), await post({ 'X-Rolecast-Token': 'wrong' })];
    }, JSON.stringify(edit));
    expect(statuses).toEqual([403, 403]);

    const token = opened.preview!.token;
    const body = JSON.stringify(edit);
    const host = `127.0.0.1:${opened.preview!.port}`;
    const json = { 'Content-Type': 'application/json', 'X-Rolecast-Token': token, Host: host };
    expect((await post(body, { ...json, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(body, { ...json, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await post(body, { ...json, Host: 'evil.example' })).status).toBe(403);
    // With the token, an edit that would break issue.json is refused with the reason.
    const invalid = await post(JSON.stringify({ version, edit: { op: 'set', fields: { subject: ' ' } } }), json);
    expect(invalid.status).toBe(422);
    expect(JSON.parse(invalid.body).error).toMatch(/subject: is required/);
    const notCandidate = await post(
      JSON.stringify({ version, edit: { op: 'include', path: '../../roles.yaml' } }),
      json,
    );
    expect(notCandidate.status).toBe(422);
    expect(await readFile(opened.project!.path(MANIFEST), 'utf8')).toBe(original);
    // The same request from the preview's own origin goes through: the refusals above are the checks.
    expect((await post(body, { ...json, Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin' })).status).toBe(200);
    expect((await manifest()).subject).toBe('Forged');
  });

  it('sends the subscriber on screen as a test through SMTP_URL', async () => {
    opened.smtp = await startSmtpServer();
    const p = await start({ SMTP_URL: opened.smtp.url() });
    await p.goto(new URL('/subscriber/priya.raman%40example.com', opened.preview!.url).toString());
    await p.fill('#test-to', 'editor@example.net');
    await p.click('#test-send-button');
    await p.waitForFunction(() => document.getElementById('test-status')?.dataset.kind === 'ok', undefined, {
      timeout: 30_000,
    });
    expect(await p.locator('#test-status').textContent()).toContain('Test sent to editor@example.net through smtp://');
    const messages = await opened.smtp.messages();
    expect(messages).toHaveLength(1);
    expect(messages[0]!.envelope.to).toEqual(['editor@example.net']);
    expect(messages[0]!.parsed.subject).toMatch(/^\[test as [a-z0-9+-]+\] /);
    expect(messages[0]!.parsed.html || '').toContain('Hi Priya,');
    expect(messages[0]!.raw).not.toContain('priya.raman@example.com');

    // A variant view sends that variant; the address is remembered from the last test.
    await p.goto(new URL('/variant/cto', opened.preview!.url).toString());
    expect(await p.inputValue('#test-to')).toBe('editor@example.net');
    await p.click('#test-send-button');
    await p.waitForFunction(() => document.getElementById('test-status')?.dataset.kind === 'ok', undefined, {
      timeout: 30_000,
    });
    const [, cto] = await opened.smtp.messages();
    expect(cto?.parsed.subject).toBe(
      '[test as cto] Five Questions Boards Are Asking About AI Spend + 2 more · Week 48',
    );
  });

  it('says on the page, beside "Test sent", that a server offering no login left the password unused', async () => {
    // EHLO refused: the session is greeted with HELO, which offers no AUTH (RFC 4954).
    const server = await startRawServer({
      command: (line) => (/^EHLO/i.test(line) ? '502 5.5.2 Error: command not recognized\r\n' : undefined),
    });
    try {
      const p = await start({ SMTP_URL: server.url({ user: 'ann', pass: 's3cretpw' }) });
      await p.goto(new URL('/variant/cto', opened.preview!.url).toString());
      await p.fill('#test-to', 'editor@example.net');
      await p.click('#test-send-button');
      await p.waitForFunction(() => document.getElementById('test-status')?.dataset.kind === 'ok', undefined, {
        timeout: 30_000,
      });
      const shown = (await p.locator('#test-status').textContent()) ?? '';
      expect(shown).toContain('Test sent to editor@example.net through smtp://');
      expect(shown).toMatch(/offers no login \(AUTH\), so the user name and password in SMTP_URL were not used/);
      expect(shown).not.toContain('s3cretpw');
      expect(server.messages.map((m) => m.to)).toEqual([['editor@example.net']]);
    } finally {
      await server.close();
    }
  });

  it('sends the editor edition as a test into the outbox without SMTP_URL', async () => {
    const p = await start({});
    const headers = { 'Content-Type': 'application/json', 'X-Rolecast-Token': opened.preview!.token };
    const bad = await post(
      JSON.stringify({ to: 'not-an-address', kind: 'variant', key: 'editor' }),
      headers,
      '/__test-send',
    );
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toBe('"not-an-address" is not a valid email address');
    await p.fill('#test-to', 'editor@example.net');
    await p.press('#test-to', 'Enter');
    await p.waitForFunction(() => document.getElementById('test-status')?.dataset.kind === 'ok', undefined, {
      timeout: 30_000,
    });
    const outbox = opened.project!.path('outbox/2026-W48');
    const files = await readdir(outbox);
    expect(files).toHaveLength(1);
    const parsed = await simpleParser(await readFile(join(outbox, files[0]!)));
    expect(parsed.subject).toBe(
      '[test editor edition] What a Feature Store Actually Costs in Year Two + 8 more · Week 48',
    );
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '').toBe('editor@example.net');
  });
});

function post(
  body: string,
  headers: Record<string, string>,
  path = '/__edit',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: opened.preview!.port, path, method: 'POST', headers, setHost: !headers.Host },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
