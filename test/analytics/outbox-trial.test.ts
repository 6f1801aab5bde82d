import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sendIssue } from '../../src/send/index.js';
import { LONE, namedIn, listReader as reader, trackedFixture } from '../helpers/click-tags.js';
import { perTest } from '../helpers/per-test.js';
import { runMain } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv } from '../send/_fixture.js';

/**
 * A trial run to the outbox reaches nobody: it must not decide a role set's `?v=` for the real send
 * (a trial list where two readers share a role set the real list gives one reader would name that
 * reader's clicks), and it is no issue sent for `rolecast report`.
 */
const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

const send = (f: SendFixture, smtpUrl?: string) =>
  sendIssue({ issueDir: f.issueDir, subscribersFile: f.subscribersFile, cwd: f.dir, env: sendEnv(smtpUrl) });

describe('a trial run to the outbox', () => {
  it("does not decide a role set's ?v= for the real send", async () => {
    // The trial list has two readers of the lone role set; the real list has one.
    const fixture = await trackedFixture([
      reader('alone@example.test', LONE),
      reader('tester@example.test', LONE),
      reader('c1@example.test', ['VP of Data']),
      reader('c2@example.test', ['VP of Data']),
    ]);
    opened.fixture = fixture;
    expect((await send(fixture)).total.sent).toBe(4);
    const real = [
      reader('alone@example.test', LONE),
      reader('c1@example.test', ['VP of Data']),
      reader('c2@example.test', ['VP of Data']),
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
  }, 120_000);

  it('is not reported as an issue sent', async () => {
    const fixture = await trackedFixture([
      reader('c1@example.test', ['VP of Data']),
      reader('c2@example.test', ['CTO']),
    ]);
    opened.fixture = fixture;
    expect((await send(fixture)).total.sent).toBe(2);
    const report = await runMain(fixture.dir, ['report', '--since', '2000-01-01', '--json']);
    expect(report.code, report.all).toBe(0);
    expect(JSON.parse(report.out).issues).toEqual([]);
  }, 120_000);
});
