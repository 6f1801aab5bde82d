import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteAnalyticsStore } from '../../src/analytics/store.js';
import { verifyClickToken, verifyClickVariant } from '../../src/analytics/token.js';
import { loadConfig } from '../../src/config/load.js';
import { planAudience } from '../../src/group/index.js';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { clickRouteFor } from '../../src/serve/click-setup.js';
import { startUnsubscribeServer, stateSuppressionList, type UnsubscribeServer } from '../../src/serve/index.js';
import { runMain } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

const SECRET = sendEnv().ROLECAST_SECRET!;
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';

let smtp: TestSmtpServer | undefined;
let serve: UnsubscribeServer | undefined;
let fixture: SendFixture | undefined;
const closers: (() => void)[] = [];

afterEach(async () => {
  await serve?.close();
  await smtp?.close();
  for (const close of closers.splice(0)) close();
  await fixture?.cleanup();
  serve = smtp = fixture = undefined;
});

async function trackingOn(f: SendFixture, change: (config: Record<string, unknown>) => void = () => {}): Promise<void> {
  const file = f.temp.path('rolecast.config.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  config.tracking = { clicks: true };
  change(config);
  await writeFile(file, JSON.stringify(config, null, 2));
}

function trackedLinks(text: string): string[] {
  return [...text.matchAll(/https:\/\/rolecast\.example\/c\/[\w.-]+\?v=[\w.-]+&d=[0-9a-z]+/g)].map((m) => m[0]);
}

describe('click tracking end to end', () => {
  it('send → click through serve → report shows the click under the right role and summary', async () => {
    fixture = await sendFixture(20);
    await trackingOn(fixture);
    smtp = await startSmtpServer();
    const sent = await sendIssue({
      issueDir: fixture.issueDir,
      subscribersFile: fixture.subscribersFile,
      cwd: fixture.dir,
      env: sendEnv(smtp.url()),
    });
    expect(sent.total.sent).toBeGreaterThan(5);

    const messages = await smtp.messages();
    const linksOf = (html: unknown) =>
      [...String(html).matchAll(/href="([^"]*\/c\/[^"]*)"/g)].map((m) =>
        m[1]!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='),
      );
    const message = messages.find((m) => linksOf(m.parsed.html).length > 0)!;
    expect(message).toBeDefined();
    const htmlLinks = linksOf(message.parsed.html);
    // The plain-text part carries the very same tracked links.
    expect(new Set(trackedLinks(String(message.parsed.text)))).toEqual(new Set(htmlLinks));
    // Unsubscribe, preferences and view-online stay direct.
    expect(String(message.parsed.html)).toMatch(/href="https:\/\/rolecast\.example\/unsubscribe\?token=/);
    expect(String(message.parsed.html)).toContain('href="https://rolecast.example/archive/2026-W48/"');

    const link = new URL(htmlLinks[0]!);
    const claims = verifyClickToken(link.pathname.slice('/c/'.length), SECRET)!;
    // The role set of the message rides beside the token, signed for the issue.
    const variantId = verifyClickVariant(link.searchParams.get('v'), claims.issueId, SECRET);
    expect(variantId).toBeDefined();
    const project = await fixture.load();
    const summary = project.issue.summaries.find((s) => s.id === claims.summaryId)!;

    const config = await loadConfig({ cwd: fixture.dir });
    const db = openStateDb(join(config.stateDirAbs, 'state.db'));
    closers.push(() => db.close());
    // A minute after the send: past the scanner window.
    const later = () => new Date(Date.now() + 60_000);
    serve = await startUnsubscribeServer({
      config,
      secret: SECRET,
      suppressions: stateSuppressionList(db),
      port: 0,
      routes: [clickRouteFor(config, SECRET, sqliteAnalyticsStore(db), undefined, later)],
    });
    const response = await fetch(`http://127.0.0.1:${serve.port}${link.pathname}${link.search}`, {
      redirect: 'manual',
      headers: { 'User-Agent': BROWSER },
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(claims.target);
    // Every card links: its article, else its page in the web archive.
    expect(claims.target).toBe(summary.url ?? `https://rolecast.example/archive/2026-W48/${summary.id}/`);

    // Readers who got that summary in that section: delivered messages of every variant holding it there.
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const holding = new Set(
      plan.variants
        .filter((v) => v.sections.some((s) => s.role === claims.role && s.summaries.some((x) => x.id === summary.id)))
        .map((v) => v.id),
    );
    const readers = plan.recipients.filter((r) => holding.has(r.variantId)).length;

    const result = await runMain(fixture.dir, ['report', fixture.issueDir, '--json']);
    expect(result.code, result.all).toBe(0);
    const report = JSON.parse(result.out);
    const row = report.links.find(
      (l: { summaryId: string; role: string }) => l.summaryId === summary.id && l.role === claims.role,
    );
    expect(row).toEqual({ summaryId: summary.id, role: claims.role, readers, clicks: 1, unique: 1, rate: 1 / readers });
    expect(report.total.clicks).toBe(1);
    expect(report.total.delivered).toBe(sent.total.sent);
    const roleRow = report.byRole.find((r: { role: string }) => r.role === claims.role);
    expect(roleRow.clicks).toBe(1);
    const variantRow = report.byVariant.find((v: { variantId: string }) => v.variantId === variantId);
    expect(variantRow.clicks).toBe(1);

    const table = await runMain(fixture.dir, ['report', fixture.issueDir]);
    expect(table.out).toMatch(new RegExp(`${summary.id}\\s+${claims.role}\\s+${readers}\\s+1\\s+1`));
  }, 60_000);

  it('says so, and sends plain links, when clicks are on but ROLECAST_SECRET is not set', async () => {
    fixture = await sendFixture(6);
    // Without urls.unsubscribe a send needs no key (mailto unsubscribes), so only clicks miss it.
    await trackingOn(fixture, (config) => {
      config.urls = { archive: 'https://rolecast.example/archive' };
      config.tracking = { clicks: true, baseUrl: 'https://rolecast.example/c/' };
    });
    smtp = await startSmtpServer();
    const lines: string[] = [];
    const sent = await sendIssue({
      issueDir: fixture.issueDir,
      subscribersFile: fixture.subscribersFile,
      cwd: fixture.dir,
      env: { SMTP_URL: smtp.url() },
      log: (line) => lines.push(line),
    });
    expect(sent.total.sent).toBeGreaterThan(0);
    expect(lines.join('\n')).toContain('tracking.clicks is on but ROLECAST_SECRET is not set');
    for (const message of await smtp.messages()) expect(message.raw).not.toContain('rolecast.example/c/');
  }, 60_000);
});
