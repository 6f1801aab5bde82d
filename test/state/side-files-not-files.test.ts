import { mkdirSync, renameSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { sendEnv, sendFixture } from '../send/_fixture.js';
import { tally } from '../send/_killed-send.js';

/**
 * A folder where SQLite keeps a state file's write-ahead log or its index (`state.db-wal/` made by a
 * restore tool, a container volume mounted there): every command that opened the file ended with
 * "unexpected error — this is a bug" and a stack, naming neither the folder nor what to do. One
 * where it would keep a rollback journal (`state.db-journal/`), which SQLite looks for on every
 * open, was told as a disk I/O error, exit 3, with the advice to free space on the disk.
 */

const opened = useSendFixture<TestSmtpServer>();

const SEND = ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'];

describe.each(['-wal', '-shm', '-journal'])('a folder in the place of the state file’s %s', (suffix) => {
  it('is refused by every command, exit 2, naming it; moved aside, the send mails each reader once', async () => {
    opened.fixture = await sendFixture(6);
    opened.server = await startSmtpServer();
    const [f, server] = [opened.fixture, opened.server];
    const cli = (args: string[]) => runCli(args, { cwd: f.dir, env: sendEnv(server.url()) });
    const reader = 'reader00000@example.test';
    expect((await cli(['suppress', 'add', reader])).code).toBe(0);
    const side = f.temp.path(`.rolecast/state.db${suffix}`);
    mkdirSync(side);
    for (const args of [SEND, ['suppress', 'list'], ['status', 'issues/2026-W48']]) {
      const refused = await cli(args);
      expect(refused.code, `${args[0]}: ${refused.stderr}`).toBe(2);
      expect(refused.stderr).toContain(`${side}, where SQLite keeps its`);
      expect(refused.stderr).toContain(`is a directory, not a file`);
      expect(refused.stderr).toContain(`move ${side} aside`);
      expect(refused.stderr).not.toMatch(/this is a bug|\n\s+at /);
    }
    expect(server.counts.accepted).toBe(0);

    renameSync(side, `${side}.aside`);
    const sent = await cli(SEND);
    expect(sent.code, sent.stderr).toBe(0);
    const counts = tally((await server.messages()).flatMap((m) => m.envelope.to));
    expect(counts.has(reader)).toBe(false);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(counts.size).toBeGreaterThan(0);
  });
});
