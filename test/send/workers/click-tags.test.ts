import { readFile, writeFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { verifyClickVariant } from '../../../src/analytics/token.js';
import { sendIssue } from '../../../src/send/index.js';
import { openState } from '../../../src/state/open.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres, useFreshDatabase } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type GeneratedSubscriber, type SendFixture, sendEnv, sendFixture } from '../_fixture.js';

const SECRET = sendEnv().ROLECAST_SECRET!;
const reader = (email: string, roles: string[]): GeneratedSubscriber => ({
  email,
  name: email.split('@')[0]!,
  roles,
  status: 'active',
});
const LONE = ['Security Engineer', 'Head of ML'];

/**
 * Send workers decide a role set's `?v=` by the readers it has once suppressed readers are out, as
 * a single sender does: a role set of two whose second reader bounced earlier names nobody.
 */
describePostgres('send workers and a suppressed reader of a role set', () => {
  const url = useFreshDatabase('click_tags');
  const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);
  it('does not name a role set only one unsuppressed reader holds', async () => {
    const list = [
      reader('alone@example.test', LONE),
      reader('gone@example.test', LONE),
      reader('c1@example.test', ['VP of Data']),
      reader('c2@example.test', ['VP of Data']),
    ];
    const fixture = await sendFixture(0, {}, list);
    opened.fixture = fixture;
    const configFile = fixture.temp.path('rolecast.config.json');
    const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    await writeFile(configFile, JSON.stringify({ ...config, tracking: { clicks: true } }));
    const server = await startSmtpServer();
    opened.server = server;
    const store = await openState({ kind: 'postgres', url: url() });
    await store.suppressions.add('gone@example.test', { reason: 'bounce' });
    await store.close();
    const report = await sendIssue({
      issueDir: fixture.issueDir,
      subscribersFile: fixture.subscribersFile,
      cwd: fixture.dir,
      env: { ...sendEnv(server.url()), DATABASE_URL: url() },
    });
    expect(report.total.sent).toBe(3);
    const alone = (await server.messages()).find((m) => m.envelope.to[0] === 'alone@example.test')!;
    const values = [
      ...String(alone.parsed.html).matchAll(/href="https:\/\/rolecast\.example\/c\/[^"?]*\?v(?:=|&#x3D;)([^&"]*)/g),
    ].map((m) => verifyClickVariant(m[1]!, '2026-W48', SECRET));
    // The only reader of the role set who gets this issue carries no ?v= naming it.
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((value) => value === undefined)).toBe(true);
    const after = await openState({ kind: 'postgres', url: url() });
    try {
      expect(Object.fromEntries(await after.clickTags('2026-W48'))).toMatchObject({
        'director-of-ai-ml+security-lead': false,
      });
    } finally {
      await after.close();
    }
  }, 120_000);
});
