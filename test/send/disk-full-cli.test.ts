import { mkdir, readdir, rename, symlink, writeFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { runCli } from '../helpers/cli.js';
import { captureStreams } from '../helpers/project.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/** The full-disk stop as a person sees it (exit 3, the disk error, no stack), and the outbox's own write failure. */

const opened = useSendFixture<TestSmtpServer>();

const SEND = ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'];

function sentRows(f: SendFixture, channel: string): string[] {
  const db = new Database(`${f.dir}/.rolecast/state.db`, { readonly: true });
  try {
    return db
      .prepare("SELECT email FROM deliveries WHERE status = 'sent' AND channel = ?")
      .pluck()
      .all(channel) as string[];
  } finally {
    db.close();
  }
}

describe('rolecast send on a full disk', () => {
  it('exits 3 with the disk error, lists every accepted message it could not record, and prints no stack', async () => {
    opened.fixture = await sendFixture(90, { concurrency: 3 });
    opened.server = await startSmtpServer({ faults: { dataDelayMs: 10 } });
    const result = await runCli(SEND, {
      cwd: opened.fixture.dir,
      env: { ...sendEnv(opened.server.url()), ROLECAST_TEST_STATE_GROWTH_PAGES: '1' },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /rolecast send: the state file \S+state\.db could not be written: database or disk is full/,
    );
    expect(result.stderr).not.toMatch(/this is a bug|\n\s+at /);
    const listed = [...result.stdout.matchAll(/^ {2}(\S+@example\.test) (<[^>]+>)$/gm)].map((m) => m[1]!);
    expect(result.stdout).toMatch(/\d+ message\(s\) accepted by the server, not recorded/);
    const accepted = (await opened.server.messages()).map((m) => m.envelope.to[0]!);
    const recorded = sentRows(opened.fixture, 'smtp');
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.length).toBeLessThanOrEqual(3);
    expect([...recorded, ...listed].sort()).toEqual([...accepted].sort());
  });
});

describe('cleanup that fails after the disk filled up', () => {
  it('a send lock that cannot be released does not hide the disk error', async () => {
    opened.fixture = await sendFixture(90, { concurrency: 3 });
    opened.server = await startSmtpServer({ faults: { dataDelayMs: 5 } });
    const file = opened.fixture.temp.path('.rolecast/state.db');
    openStateDb(file).close();
    const db = new Database(file);
    db.exec("CREATE TRIGGER stuck_lock BEFORE DELETE ON locks BEGIN SELECT RAISE(FAIL, 'disk I/O error'); END");
    db.close();
    const streams = captureStreams();
    const code = await main([...SEND, '--json'], {
      cwd: opened.fixture.dir,
      env: { ...sendEnv(opened.server.url()), ROLECAST_TEST_STATE_GROWTH_PAGES: '1' },
      stdout: streams.stdout,
      stderr: streams.stderr,
      signal: new AbortController().signal,
    });
    expect(code, streams.err).toBe(3);
    expect(streams.err).toMatch(/rolecast send: the state file \S+ could not be written: database or disk is full/);
    expect(streams.err).toContain('warning: could not release the send lock: disk I/O error');
    const report = JSON.parse(streams.out) as { halted: { unrecorded: unknown[] } };
    expect(report.halted.unrecorded.length).toBeGreaterThan(0);
  });
});

describe('an outbox file that cannot be written', () => {
  it('stops the run cleanly: what was written is recorded, nothing after it is started', async () => {
    opened.fixture = await sendFixture(40, { concurrency: 2 });
    // A folder where one reader's .eml file belongs: writing that file fails as a full disk would.
    const outbox = opened.fixture.temp.path('outbox/2026-W48');
    await mkdir(`${outbox}/reader00010@example.test.eml`, { recursive: true });
    await writeFile(`${outbox}/reader00010@example.test.eml/keep`, '');
    const report = await sendIssue({
      issueDir: opened.fixture.issueDir,
      subscribersFile: opened.fixture.subscribersFile,
      cwd: opened.fixture.dir,
      env: sendEnv(),
    });
    expect(report.halted?.reason).toMatch(/the outbox folder \S+ could not be written: .*reader00010/);
    expect(report.total.pending).toBeGreaterThan(0);
    const written = (await readdir(outbox)).filter((name) => name.endsWith('.eml')).map((n) => n.slice(0, -4));
    const recorded = sentRows(opened.fixture, 'outbox');
    // Every file written is recorded (the ledger is fine); the failed one is neither.
    expect([...recorded, 'reader00010@example.test'].sort()).toEqual([...written].sort());
    expect(report.halted?.unrecorded).toEqual([]);
  });

  it('through the CLI: exit 3, the write error as the message, no stack', async () => {
    opened.fixture = await sendFixture(20, { concurrency: 2 });
    const outbox = opened.fixture.temp.path('outbox/2026-W48');
    await mkdir(`${outbox}/reader00010@example.test.eml/keep`, { recursive: true });
    const result = await runCli(SEND, { cwd: opened.fixture.dir, env: sendEnv() });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/rolecast send: the outbox folder \S+ could not be written/);
    expect(result.stderr).not.toMatch(/this is a bug|\n\s+at /);
  });
});

describe('a state file reached through a link, on a full disk', () => {
  it('the next send, naming the file by its own path, records the unrecorded messages and mails nobody twice', async () => {
    opened.fixture = await sendFixture(90, { concurrency: 3 });
    opened.server = await startSmtpServer({ faults: { dataDelayMs: 10 } });
    // The config's state path a link to the file, which another job names by its own path.
    const real = opened.fixture.temp.path('data/state.db');
    await mkdir(opened.fixture.temp.path('data'));
    await mkdir(opened.fixture.temp.path('.rolecast'));
    await symlink(real, opened.fixture.temp.path('.rolecast/state.db'));
    const full = await runCli(SEND, {
      cwd: opened.fixture.dir,
      env: { ...sendEnv(opened.server.url()), ROLECAST_TEST_STATE_GROWTH_PAGES: '1' },
    });
    expect(full.code, full.stderr).toBe(3);
    expect(full.stdout).toMatch(/\d+ message\(s\) accepted by the server, not recorded/);

    const resumed = await runCli([...SEND, '--state', real], {
      cwd: opened.fixture.dir,
      env: sendEnv(opened.server.url()),
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    const received = (await opened.server.messages()).map((m) => m.envelope.to[0]!);
    expect(received.length).toBeGreaterThan(0);
    expect(received.length).toBe(new Set(received).size);
  });
});

describe('a side file an earlier release left beside a linked state path', () => {
  it('is recorded by the next send through the link, and nobody it lists is mailed twice', async () => {
    opened.fixture = await sendFixture(90, { concurrency: 3 });
    opened.server = await startSmtpServer({ faults: { dataDelayMs: 10 } });
    const real = opened.fixture.temp.path('data/state.db');
    const link = opened.fixture.temp.path('.rolecast/state.db');
    await mkdir(opened.fixture.temp.path('data'));
    await mkdir(opened.fixture.temp.path('.rolecast'));
    await symlink(real, link);
    const full = await runCli(SEND, {
      cwd: opened.fixture.dir,
      env: { ...sendEnv(opened.server.url()), ROLECAST_TEST_STATE_GROWTH_PAGES: '1' },
    });
    expect(full.code, full.stderr).toBe(3);
    // Where earlier releases kept the list: beside the path as the config names it, the link.
    await rename(`${real}.unrecorded.jsonl`, `${link}.unrecorded.jsonl`);

    const resumed = await runCli(SEND, { cwd: opened.fixture.dir, env: sendEnv(opened.server.url()) });
    expect(resumed.code, resumed.stderr).toBe(0);
    const received = (await opened.server.messages()).map((m) => m.envelope.to[0]!);
    expect(received.length).toBe(new Set(received).size);
    expect(await readdir(opened.fixture.temp.path('.rolecast'))).not.toContain('state.db.unrecorded.jsonl');
  });
});
