import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { sendIssue } from '../../src/send/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import {
  listSuppressions,
  startUnsubscribeServer,
  stateSuppressionList,
  type UnsubscribeServer,
} from '../../src/serve/index.js';
import { personalLinks } from '../../src/unsubscribe/links.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const SECRET = 'endpoint-test-secret-0123456789abcdef';
const READER = 'priya.raman@example.com';

let project: TempProject;
let config: ResolvedConfig;
let db: StateDb;
let server: UnsubscribeServer;
let origin: string;

beforeAll(async () => {
  project = await tempProject({ withExample: true });
  config = await loadConfig({ cwd: project.dir });
  db = openStateDb(join(config.stateDirAbs, 'state.db'));
  server = await startUnsubscribeServer({ config, secret: SECRET, suppressions: stateSuppressionList(db), port: 0 });
  origin = new URL(server.url).origin;
});

afterAll(async () => {
  await server?.close();
  db?.close();
  await project?.cleanup();
});

/** The link exactly as a message carries it, pointed at the local server (as a reverse proxy would). */
function linkFor(email: string): string {
  const link = new URL(personalLinks(config, SECRET, '2026-W48', email).unsubscribeUrl);
  return `${origin}${link.pathname}${link.search}`;
}

const oneClick = (url: string, init: RequestInit = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
    redirect: 'manual',
    ...init,
  });

const suppressed = () => listSuppressions(db).map((s) => s.email);

describe('unsubscribe endpoint over HTTP on 127.0.0.1', () => {
  it('binds to the loopback address and serves the path of urls.unsubscribe', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/unsubscribe$/);
  });

  it('GET shows a confirmation form and does not unsubscribe', async () => {
    const response = await fetch(linkFor(READER), { redirect: 'manual' });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('<form method="post"');
    expect(html).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(html).not.toContain(READER);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('set-cookie')).toBeNull();
    const head = await fetch(linkFor(READER), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(suppressed()).toEqual([]);
  });

  it('a tampered token gets 400 and changes nothing', async () => {
    const good = new URL(linkFor(READER));
    const token = good.searchParams.get('token')!;
    const [payload, signature] = token.split('.') as [string, string];
    const forgedPayload = Buffer.from(JSON.stringify(['v1', config.listId, 'victim@example.com'])).toString(
      'base64url',
    );
    const flipped = signature.slice(0, -1) + (signature.endsWith('A') ? 'B' : 'A');
    const bad = [
      `${payload}.${flipped}`,
      `${forgedPayload}.${signature}`,
      signToken({ email: READER, listId: config.listId }, 'another-secret'),
      signToken({ email: READER, listId: 'other.list.example' }, SECRET),
      '',
      'garbage',
    ];
    for (const value of bad) {
      const url = `${origin}${good.pathname}?token=${encodeURIComponent(value)}`;
      expect((await oneClick(url)).status, value).toBe(400);
      expect((await fetch(url)).status, value).toBe(400);
    }
    expect((await oneClick(`${origin}${good.pathname}`)).status).toBe(400);
    expect(suppressed()).toEqual([]);
  });

  it('a POST without List-Unsubscribe=One-Click is refused', async () => {
    const response = await oneClick(linkFor(READER), { body: 'something=else' });
    expect(response.status).toBe(400);
    expect(suppressed()).toEqual([]);
  });

  it('a body over the limit gets 413', async () => {
    const response = await oneClick(linkFor(READER), { body: `List-Unsubscribe=One-Click&pad=${'x'.repeat(9000)}` });
    expect(response.status).toBe(413);
    expect(suppressed()).toEqual([]);
  });

  it('a valid one-click POST unsubscribes at once, without cookies or redirects', async () => {
    const response = await oneClick(linkFor(READER));
    expect(response.status).toBe(200);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(await response.text()).toContain('You are unsubscribed');
    const entries = listSuppressions(db);
    expect(entries).toEqual([
      { email: READER, reason: 'unsubscribe', source: 'one-click', createdAt: expect.any(String) },
    ]);
  });

  it('a replay is harmless: 200, and still one record, dated by the latest unsubscribe', async () => {
    expect((await oneClick(linkFor(READER))).status).toBe(200);
    const [before] = listSuppressions(db);
    const response = await oneClick(linkFor(READER));
    expect(response.status).toBe(200);
    const after = listSuppressions(db);
    expect(after).toEqual([{ ...before, createdAt: expect.any(String) }]);
    expect(Date.parse(after[0]!.createdAt)).toBeGreaterThanOrEqual(Date.parse(before!.createdAt));
  });

  it('accepts the one-click body as multipart/form-data', async () => {
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const response = await fetch(linkFor('jonas.becker@example.org'), { method: 'POST', body: form });
    expect(response.status).toBe(200);
    expect(suppressed()).toContain('jonas.becker@example.org');
  });

  it('the next send skips the unsubscribed addresses', async () => {
    const outbox = project.path('outbox');
    const report = await sendIssue({
      issueDir: 'issues/2026-W48',
      subscribersFile: 'subscribers.example.json',
      cwd: project.dir,
      env: { ROLECAST_SECRET: SECRET },
      outbox,
    });
    const files = await readdir(outbox);
    expect(report.total.skipped.suppressed).toBe(2);
    expect(files).not.toContain(`${READER}.eml`);
    expect(files).not.toContain('jonas.becker@example.org.eml');
    // Everyone else active with matching roles still gets the issue.
    expect(files).toContain('zoe.hartmann@example.net.eml');
    expect(report.total.sent).toBeGreaterThan(0);
  });

  it('answers the health check, 404 elsewhere, 405 for other methods', async () => {
    const health = await fetch(`${origin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${origin}/somewhere`)).status).toBe(404);
    const put = await fetch(linkFor(READER), { method: 'PUT', body: 'x' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
  });

  it('escapes what the token carries on its pages', async () => {
    const token = signToken({ email: 'x"><script>alert(1)</script>@example.com', listId: config.listId }, SECRET);
    const html = await (await fetch(`${origin}/unsubscribe?token=${encodeURIComponent(token)}`)).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('x••••@example.com');
    expect(html).toContain(`action="/unsubscribe?token=${encodeURIComponent(token)}"`);
  });
});

describe('unsubscribe endpoint mounted below a path', () => {
  it('answers on the path of urls.unsubscribe and nowhere else', async () => {
    const mounted = { ...config, urls: { ...config.urls, unsubscribe: 'https://news.example.com/mail/u/' } };
    const other = await startUnsubscribeServer({
      config: mounted,
      secret: SECRET,
      suppressions: { isSuppressed: () => false, isErased: () => false, add: () => {} },
      port: 0,
    });
    try {
      const token = signToken({ email: READER, listId: config.listId }, SECRET);
      const base = new URL(other.url).origin;
      expect(other.path).toBe('/mail/u');
      expect((await fetch(`${base}/mail/u/?token=${token}`)).status).toBe(200);
      expect((await fetch(`${base}/mail/u?token=${token}`)).status).toBe(200);
      expect((await fetch(`${base}/unsubscribe?token=${token}`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  it('reports a port in use as E_PORT_IN_USE', async () => {
    await expect(
      startUnsubscribeServer({ config, secret: SECRET, suppressions: stateSuppressionList(db), port: server.port }),
    ).rejects.toMatchObject({ code: 'E_PORT_IN_USE' });
  });
});
