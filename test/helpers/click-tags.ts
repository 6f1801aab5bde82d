import { readFile, writeFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { verifyClickVariant } from '../../src/analytics/token.js';
import { type GeneratedSubscriber, type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';
import { runMain } from './project.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

/** Roles whose role set no other reader of these lists holds. */
export const LONE = ['Security Engineer', 'Head of ML'];

/** An active reader of a list written by the test. */
export const listReader = (email: string, roles: string[]): GeneratedSubscriber => ({
  email,
  name: email.split('@')[0]!,
  roles,
  status: 'active',
});

/** A send fixture mailing `list`, with click tracking on. */
export async function trackedFixture(list: GeneratedSubscriber[]): Promise<SendFixture> {
  const made = await sendFixture(0, {}, list);
  const configFile = made.temp.path('rolecast.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  await writeFile(configFile, JSON.stringify({ ...config, tracking: { clicks: true } }));
  return made;
}

/** The role set each message's tracked links name (undefined where a link names none), by recipient. */
export async function namedIn(server: TestSmtpServer): Promise<Map<string, (string | undefined)[]>> {
  const secret = sendEnv().ROLECAST_SECRET!;
  const named = new Map<string, (string | undefined)[]>();
  for (const message of await server.messages()) {
    const values = [
      ...String(message.parsed.html).matchAll(/href="https:\/\/rolecast\.example\/c\/[^"?]*\?v(?:=|&#x3D;)([^&"]*)/g),
    ].map((m) => verifyClickVariant(m[1]!, '2026-W48', secret));
    expect(values.length).toBeGreaterThan(0);
    named.set(message.envelope.to[0]!, values);
  }
  return named;
}

/** Sends a fixture's issue: to the outbox, or over SMTP at `smtpUrl`. */
export type SendTo = (fixture: SendFixture, smtpUrl?: string) => Promise<{ total: { sent: number } }>;

/**
 * A trial to the outbox from a list where two readers share the lone role set, then the real send
 * to a list where one reader holds it: that reader's links must name no role set.
 */
export async function expectTrialDecidesNoTag(
  send: SendTo,
  opened: { fixture?: SendFixture; smtp?: TestSmtpServer },
): Promise<void> {
  const fixture = await trackedFixture([
    listReader('alone@example.test', LONE),
    listReader('tester@example.test', LONE),
    listReader('c1@example.test', ['VP of Data']),
    listReader('c2@example.test', ['VP of Data']),
  ]);
  opened.fixture = fixture;
  expect((await send(fixture)).total.sent).toBe(4);
  const real = [
    listReader('alone@example.test', LONE),
    listReader('c1@example.test', ['VP of Data']),
    listReader('c2@example.test', ['VP of Data']),
  ];
  await writeFile(fixture.subscribersFile, JSON.stringify({ subscribers: real }));
  const smtp = await startSmtpServer();
  opened.smtp = smtp;
  expect((await send(fixture, smtp.url())).total.sent).toBe(3);

  const named = await namedIn(smtp);
  // The only reader of their role set in the send: no link of theirs names it.
  expect(named.get('alone@example.test')!.every((v) => v === undefined)).toBe(true);
  for (const who of ['c1@example.test', 'c2@example.test'])
    expect(named.get(who)!.every((v) => v !== undefined)).toBe(true);
}

/** A trial to the outbox, then `report` run with `env`: it lists no issue sent. */
export async function expectTrialNotReported(
  send: SendTo,
  opened: { fixture?: SendFixture },
  env: NodeJS.ProcessEnv = {},
): Promise<void> {
  const fixture = await trackedFixture([
    listReader('c1@example.test', ['VP of Data']),
    listReader('c2@example.test', ['CTO']),
  ]);
  opened.fixture = fixture;
  expect((await send(fixture)).total.sent).toBe(2);
  const report = await runMain(fixture.dir, ['report', '--since', '2000-01-01', '--json'], env);
  expect(report.code, report.all).toBe(0);
  expect(JSON.parse(report.out).issues).toEqual([]);
}
