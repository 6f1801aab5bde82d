import { mkdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { runCli } from '../helpers/cli.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { DAMAGED_MESSAGE, type Damage, damageStateFile } from './_damage.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/** Every command that opens the state file refuses a damaged one the same way: exit 2, one message, nothing sent. */

const opened = useSendFixture<TestSmtpServer>();

const ISSUE = ['issues/2026-W48', '--subscribers', 'subscribers.json'];
const COMMANDS: [string, string[]][] = [
  ['send', ['send', ...ISSUE]],
  ['send --dry-run', ['send', ...ISSUE, '--dry-run']],
  ['send --at (scheduler)', ['send', ...ISSUE, '--at', '2026-11-30T08:00']],
  ['send --at --dry-run (scheduler)', ['send', ...ISSUE, '--at', '2026-11-30T08:00', '--dry-run']],
  ['status', ['status', 'issues/2026-W48']],
  ['suppress add', ['suppress', 'add', 'someone@example.test']],
  ['suppress import', ['suppress', 'import', 'bounces.txt']],
  ['suppress list', ['suppress', 'list']],
  ['serve (at start)', ['serve', '--port', '0']],
];
const DAMAGES: Damage[] = ['random bytes', 'another application (other tables)', 'unknown delivery status'];

/** The CLI in-process, with an already-aborted signal so `serve` stops at once if it gets that far. */
async function run(f: SendFixture, args: string[], env: NodeJS.ProcessEnv = sendEnv()) {
  const streams = captureStreams();
  const stopped = new AbortController();
  stopped.abort();
  const code = await main(args, {
    cwd: f.dir,
    env,
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: stopped.signal,
  });
  return { code, out: streams.out, err: streams.err };
}

describe('a damaged state file, command by command', () => {
  it.each(DAMAGES)('%s: every command exits 2 with the damaged-state message', async (damage) => {
    opened.fixture = await sendFixture(10);
    await writeFile(opened.fixture.temp.path('bounces.txt'), 'bounced@example.test\n');
    await mkdir(opened.fixture.temp.path('.rolecast'), { recursive: true });
    const file = opened.fixture.temp.path('.rolecast/state.db');
    damageStateFile(file, damage);
    for (const [name, args] of COMMANDS) {
      const result = await run(opened.fixture, args);
      expect(result.code, `${name}: ${result.err}`).toBe(2);
      expect(result.err, name).toContain(`the state file ${file} is damaged: `);
      expect(result.err, name).toMatch(DAMAGED_MESSAGE);
      expect(result.err, name).not.toMatch(/this is a bug|\n\s+at /);
    }
  });

  it('nothing is sent: the SMTP server never sees a message', async () => {
    opened.fixture = await sendFixture(10);
    opened.server = await startSmtpServer();
    damageStateFile(opened.fixture.temp.path('state.db'), 'truncated copy');
    const result = await run(opened.fixture, ['send', ...ISSUE, '--state', 'state.db'], sendEnv(opened.server.url()));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(DAMAGED_MESSAGE);
    expect(opened.server.counts.mailFrom).toBe(0);
  });

  it('through the real CLI: a directory in place of the state file', async () => {
    opened.fixture = await sendFixture(5);
    await mkdir(opened.fixture.temp.path('.rolecast/state.db'), { recursive: true });
    for (const args of [
      ['send', ...ISSUE],
      ['status', 'issues/2026-W48'],
      ['suppress', 'list'],
    ]) {
      const result = await runCli(args, { cwd: opened.fixture.dir, env: sendEnv() });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(
        /the state file \S+state\.db is damaged: it is a directory, not a file — restore it/,
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe('a missing or empty state file for an issue already sent', () => {
  it.each([
    ['missing', false],
    ['zero-length', true],
  ])('%s, with .eml files of the issue in the outbox: a warning before sending', async (_name, empty) => {
    opened.fixture = await sendFixture(5);
    await mkdir(opened.fixture.temp.path('outbox/2026-W48'), { recursive: true });
    await writeFile(
      opened.fixture.temp.path('outbox/2026-W48/reader00000@example.test.eml'),
      'From: x\r\n\r\nbody\r\n',
    );
    await mkdir(opened.fixture.temp.path('.rolecast'), { recursive: true });
    if (empty) await writeFile(opened.fixture.temp.path('.rolecast/state.db'), '');
    const result = await run(opened.fixture, ['send', ...ISSUE, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(
      new RegExp(
        `warning: the state file \\S+state\\.db is ${empty ? 'empty' : 'missing'}, but \\S+ holds 1 \\.eml file\\(s\\) of 2026-W48`,
      ),
    );
  });

  it('no warning for a first send', async () => {
    opened.fixture = await sendFixture(5);
    const result = await run(opened.fixture, ['send', ...ISSUE, '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.err).not.toContain('warning: the state file');
  });
});
