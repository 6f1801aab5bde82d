import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';
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

// rolecast's own files beside it too: the note of its write count (`.generation`, which tells a copy
// put back from a backup), the unsubscribe journal and the records a send could not write. A folder
// there was passed over without a word, or failed the command that wrote there.
describe.each(['-wal', '-shm', '-journal', '.generation', '.unsubscribe-journal', '.unrecorded.jsonl'])(
  'a folder in the place of the state file’s %s',
  (suffix) => {
    it('is refused by every command, exit 2, naming it; moved aside, the send mails each reader once', async () => {
      const { f, cli } = await started();
      const reader = 'reader00000@example.test';
      expect((await cli(['suppress', 'add', reader])).code).toBe(0);
      const side = f.temp.path(`.rolecast/state.db${suffix}`);
      // In place of the file the command wrote there, if any (a restore tool, a volume mounted there).
      rmSync(side, { force: true });
      mkdirSync(side);
      await refused(cli, side, [SEND, ['suppress', 'list'], ['status', 'issues/2026-W48']]);
      await sentOnceMovedAside(cli, side, reader);
    });

    // No state file yet: SQLite made an empty one, then failed on the folder (a stack and "this is a
    // bug" for -wal; "check permissions, do not move it aside" for -shm and -journal).
    it('beside a state file not yet made is refused the same way, and no state file is made', async () => {
      const { f, cli } = await started();
      const side = f.temp.path(`.rolecast/state.db${suffix}`);
      mkdirSync(side, { recursive: true });
      const reader = 'reader00000@example.test';
      // The rehearsal too: one that passes is a run that can record what it sends.
      await refused(cli, side, [['suppress', 'add', reader], SEND, [...SEND, '--dry-run']]);
      expect(existsSync(f.temp.path('.rolecast/state.db'))).toBe(false);
      await sentOnceMovedAside(cli, side);
    });
  },
);

type Cli = (args: string[]) => Promise<{ code: number | null; stderr: string }>;

/** A project of six readers and an SMTP server, and the CLI run in that project against it. */
async function started(): Promise<{ f: SendFixture; cli: Cli }> {
  const f = await sendFixture(6);
  opened.fixture = f;
  const server = await startSmtpServer();
  opened.server = server;
  return { f, cli: (args) => runCli(args, { cwd: f.dir, env: sendEnv(server.url()) }) };
}

/** Each command refused, exit 2, naming `side` and to move it aside; nothing mailed. */
async function refused(cli: Cli, side: string, commands: string[][]): Promise<void> {
  for (const args of commands) {
    const run = await cli(args);
    expect(run.code, `${args[0]}: ${run.stderr}`).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`${side.replaceAll('.', '\\.')}, where (SQLite|rolecast) keeps its`));
    expect(run.stderr).toContain(`is a directory, not a file`);
    expect(run.stderr).toContain(`move ${side} aside`);
    expect(run.stderr).not.toMatch(/this is a bug|\n\s+at /);
  }
  expect(opened.server!.counts.accepted).toBe(0);
}

/** With `side` moved aside, the send mails each reader once, and `suppressed` (if any) not at all. */
async function sentOnceMovedAside(cli: Cli, side: string, suppressed?: string): Promise<void> {
  renameSync(side, `${side}.aside`);
  const sent = await cli(SEND);
  expect(sent.code, sent.stderr).toBe(0);
  const counts = tally((await opened.server!.messages()).flatMap((m) => m.envelope.to));
  if (suppressed) expect(counts.has(suppressed)).toBe(false);
  expect([...counts.values()].every((n) => n === 1)).toBe(true);
  expect(counts.size).toBeGreaterThan(0);
}
