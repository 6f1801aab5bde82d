import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { planAudience } from '../../src/group/index.js';
import type { Subscriber } from '../../src/model/subscriber.js';
import { type Compile, defaultCompile } from '../../src/send/compose.js';
import { sendIssue } from '../../src/send/index.js';
import { runCli } from '../helpers/cli.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

const ROLE_SETS = [['CTO'], ['Executive', 'CTO'], ['Engineering Manager'], ['Data Scientist', 'Product Manager'], []];
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', undefined];
const LOCALES = ['de', 'en-GB', undefined];

/** Readers with names in several scripts, first names, locales and time zones, a few unsubscribed. */
function readers(count: number): Subscriber[] {
  return Array.from({ length: count }, (_, i) => {
    const reader = { email: `leser.${i}@bücher.example`, name: `Zoë ${i} Ørsted-李` } as Subscriber;
    if (i % 4 === 1) reader.firstName = `Ólafur${i}`;
    reader.roles = ROLE_SETS[i % ROLE_SETS.length]!;
    const zone = ZONES[i % ZONES.length];
    if (zone) reader.timezone = zone;
    const locale = LOCALES[i % LOCALES.length];
    if (locale) reader.locale = locale;
    reader.status = i % 9 === 8 ? 'unsubscribed' : 'active';
    return reader;
  });
}

function csvOf(list: Subscriber[]): string {
  const columns = ['email', 'name', 'firstName', 'roles', 'timezone', 'locale', 'status'] as const;
  const cell = (value: unknown) =>
    value === undefined ? '' : `"${(Array.isArray(value) ? value.join('|') : String(value)).replace(/"/g, '""')}"`;
  return [columns.join(','), ...list.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n');
}

describe('a send reads each reader from the loaded table', () => {
  it('delivers every message to the reader it was made for, and to no one it must not reach', async () => {
    const list = readers(45);
    opened.fixture = await sendFixture(0, { concurrency: 3 });
    const file = opened.fixture.temp.path('subscribers.csv');
    await writeFile(file, csvOf(list));
    const suppressed = list[3]!.email;
    const added = await runCli(['suppress', 'add', suppressed], { cwd: opened.fixture.dir });
    expect(added.code, added.stderr).toBe(0);
    opened.server = await startSmtpServer();

    const report = await sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: file,
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
    });
    // The same plan made the old way, from an array of readers.
    const { issue } = await opened.fixture.load();
    const plan = planAudience(issue.summaries, issue.manifest.roleOrder ?? [], list, (email) => email === suppressed);
    const messages = await opened.server.messages();
    expect(report.total.sent).toBe(plan.recipients.length);
    expect(report.total.skipped.suppressed).toBe(1);
    expect(messages).toHaveLength(plan.recipients.length);

    const byAddress = new Map(list.map((r) => [r.email, r]));
    const reached = messages.map((m) => m.envelope.to);
    expect(reached.every((to) => to.length === 1)).toBe(true);
    expect(new Set(reached.map((to) => to[0]))).toEqual(new Set(plan.recipients.map((r) => r.subscriber.email)));
    for (const { parsed, raw, envelope } of messages) {
      const reader = byAddress.get(envelope.to[0]!)!;
      expect(reader.status).toBe('active');
      expect(reader.email).not.toBe(suppressed);
      const to = parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : [];
      expect(to).toEqual([{ address: reader.email, name: reader.name }]);
      // The content was made for the same reader: their address and their greeting, nobody else's.
      expect(parsed.text).toContain(reader.email);
      expect(parsed.text).toContain(reader.firstName ?? 'Zoë');
      const named = `${parsed.text}\n${parsed.html}\n${raw}`.match(/leser\.\d+(?=@)/g) ?? [];
      expect(new Set(named)).toEqual(new Set([reader.email.split('@')[0]]));
    }
  });

  it('renders with one reader per locale and the few the size gate measures, never the whole list', async () => {
    let rendered: readonly Subscriber[] | undefined;
    const report = await sendToOutbox(readers(30), (project, variants, options) => {
      rendered = project.subscribers;
      return defaultCompile(project, variants, options);
    });
    expect(report.total.sent).toBeGreaterThan(10);
    // The first of each locale, then at most the four holding the list's longest values and one
    // holder of each role set's longest role names (renderReaders).
    expect(rendered?.slice(0, 3).map((r) => r.locale)).toEqual(['de', 'en-GB', undefined]);
    expect(rendered?.length).toBeLessThanOrEqual(3 + 4 + ROLE_SETS.length);
    expect(new Set(rendered?.map((r) => r.email)).size).toBe(rendered?.length);
  });

  it('lets each variant go after its last message', async () => {
    let compiled: Map<string, unknown> | undefined;
    let variantIds: string[] = [];
    const report = await sendToOutbox(readers(20), async (project, variants, options) => {
      variantIds = variants.map((v) => v.id);
      const made = await defaultCompile(project, variants, options);
      compiled = made;
      return made;
    });
    // Every planned message went out: none was built after its variant was let go.
    expect(report.total.failed).toBe(0);
    expect(report.total.sent).toBe(report.total.planned);
    expect(report.total.sent).toBeGreaterThan(10);
    expect(variantIds.length).toBeGreaterThan(2);
    // Every reader's variant was sent and let go; only the editor edition, which no reader got, is left.
    expect([...compiled!.keys()]).toEqual(['editor']);
  });
});

/** Sends `list` to an outbox with the render stage `compile`. */
async function sendToOutbox(list: Subscriber[], compile: Compile) {
  opened.fixture = await sendFixture(0, {}, []);
  await writeFile(opened.fixture.subscribersFile, JSON.stringify(list));
  return sendIssue({
    issueDir: opened.fixture.issueDir,
    subscribersFile: opened.fixture.subscribersFile,
    cwd: opened.fixture.dir,
    env: sendEnv(),
    outbox: opened.fixture.temp.path('outbox'),
    compile,
  });
}
