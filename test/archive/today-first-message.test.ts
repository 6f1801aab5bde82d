import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildArchive } from '../../src/archive/index.js';
import { sendIssue } from '../../src/send/index.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

/**
 * An issue dated today goes online once its send has started: once the SMTP server took a message
 * of it. A trial run to the outbox, or a send stopped before its first message (the server not
 * reached), records the issue's layout in the state but puts it in nobody's inbox, and the archive
 * published it all the same.
 */

// 07:00 in Berlin on the example issue's date (2026-11-26).
const MORNING = () => new Date('2026-11-26T06:00:00Z');

const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

/** A send of the fixture's issue to its list; a refused one gives its error. */
const send = (f: SendFixture, smtpUrl?: string) =>
  sendIssue({ issueDir: f.issueDir, subscribersFile: f.subscribersFile, cwd: f.dir, env: sendEnv(smtpUrl) }).catch(
    (error: unknown) => error,
  );

const build = (f: SendFixture) => buildArchive({ issuesDir: 'issues', outDir: 'site', cwd: f.dir, now: MORNING });

async function published(f: SendFixture): Promise<string[]> {
  return (await readdir(f.temp.path('site'))).filter((name) => name.startsWith('2026-'));
}

describe('an issue dated today, before any reader has it', () => {
  it.each([
    // No SMTP_URL: every message is written to the outbox, a trial nobody receives.
    ['a trial run to the outbox', undefined, { total: { sent: 5 } }],
    // Nothing listens on port 1: the connection is refused before any message goes.
    ['a send that stopped before its first message', 'smtp://127.0.0.1:1', { code: 'E_SMTP_CONNECT' }],
  ])(
    'stays out after %s',
    async (_name, smtpUrl, outcome) => {
      const fixture = await sendFixture(6);
      opened.fixture = fixture;
      expect(await send(fixture, smtpUrl)).toMatchObject(outcome);
      const result = await build(fixture);
      expect(result.skipped.map((s) => s.reason)).toEqual(['unsent']);
      expect(await published(fixture)).toEqual([]);
    },
    60_000,
  );

  it('goes online once the SMTP server took a message of it', async () => {
    const fixture = await sendFixture(6);
    opened.fixture = fixture;
    const smtp = await startSmtpServer();
    opened.smtp = smtp;
    expect(await send(fixture, smtp.url())).toMatchObject({ total: { sent: 5 } });
    const result = await build(fixture);
    expect(result.entries.map((e) => e.id)).toEqual(['2026-W48']);
    expect(await published(fixture)).toEqual(['2026-W48']);
  }, 60_000);
});
