import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * A local part with a dot first, last or twice in a row is no mailbox SMTP can name unquoted: a
 * server refuses it at RCPT TO. It is refused with the list, before anyone is mailed.
 */

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

const BAD = ['.ann@example.com', 'bob.@example.com', 'carol..lee@example.com'];

async function setup(): Promise<SendFixture> {
  opened.fixture = await sendFixture(0, {}, [
    { email: 'dan.lee@example.com', name: 'Dan', roles: ['CTO'], status: 'active' },
  ]);
  opened.server = await startSmtpServer();
  return opened.fixture;
}

const send = (f: SendFixture, list: string) =>
  runCli(['send', 'issues/2026-W48', '--subscribers', list], { cwd: f.dir, env: sendEnv(opened.server!.url()) });

describe('addresses whose local part has a dot first, last or doubled', () => {
  it('in a JSON list: each entry named with its line and field, exit 2, nobody mailed', async () => {
    const f = await setup();
    const readers = ['dan.lee@example.com', ...BAD].map((email) => ({ email, name: 'Reader', roles: ['CTO'] }));
    await f.temp.write('readers.json', JSON.stringify(readers, null, 2));
    const result = await send(f, 'readers.json');
    expect(result.code, result.stdout + result.stderr).toBe(2);
    for (const [i, email] of BAD.entries())
      expect(result.stderr).toMatch(
        new RegExp(
          `readers\\.json:\\d+: \\[${i + 1}\\]\\.email: has a local part .*two dots in a row \\(got "${email.replace(/\./g, '\\.')}"\\) — check the address with the reader`,
        ),
      );
    expect(await opened.server!.messages()).toEqual([]);
  });

  it('in a CSV list: each row named, exit 2, nobody mailed', async () => {
    const f = await setup();
    await f.temp.write(
      'readers.csv',
      ['email,name,roles', 'dan.lee@example.com,Dan,CTO', ...BAD.map((e) => `${e},Reader,CTO`)].join('\n'),
    );
    const result = await send(f, 'readers.csv');
    expect(result.code, result.stdout + result.stderr).toBe(2);
    for (const [i] of BAD.entries())
      expect(result.stderr).toMatch(new RegExp(`readers\\.csv:${i + 3}: .*two dots in a row`));
    expect(await opened.server!.messages()).toEqual([]);
  });

  it('added with subscribers add: refused; suppressing such an address still works', async () => {
    const f = await setup();
    const added = await runCli(['subscribers', 'add', 'carol..lee@example.com', '--roles', 'CTO'], { cwd: f.dir });
    expect(added.code, added.stdout + added.stderr).not.toBe(0);
    expect(added.stderr).toMatch(
      /"carol\.\.lee@example\.com" has a local part .*two dots in a row\n.*check the address with the reader.*nothing was changed/,
    );
    const suppressed = await runCli(['suppress', 'add', 'carol..lee@example.com'], { cwd: f.dir });
    expect(suppressed.code, suppressed.stderr).toBe(0);
  });

  it('a dot between characters is kept and mailed', async () => {
    const f = await setup();
    const result = await send(f, 'subscribers.json');
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect((await opened.server!.messages()).map((m) => m.envelope.to)).toEqual([['dan.lee@example.com']]);
  });
});
