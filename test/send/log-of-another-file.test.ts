import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { tally } from './_killed-send.js';

/**
 * SQLite lays any write-ahead log it finds beside a state file over the file's pages: a `-wal` of
 * another state file (a state folder put together from two copies, a log copied with the wrong file)
 * makes the file read as that other one, its ledger and suppressions gone, and the first command to
 * close it writes that into the file for good. Each state file's own id tells the logs apart.
 */

const opened = useSendFixture<TestSmtpServer>();

const SEND = ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'];
const SUPPRESSED = 'reader00001@example.test';

/** Writes one suppression into `file` and leaves it in the log only, copied to `copyTo` before SQLite folds it in. */
function logWithOneRecord(file: string, email: string, copyTo: (wal: string) => void): void {
  const db = new Database(file);
  db.pragma('wal_autocheckpoint = 0');
  db.prepare("INSERT INTO suppressions (email, reason, source, created_at) VALUES (?, 'manual', 'cli', ?)").run(
    email,
    new Date().toISOString(),
  );
  copyTo(`${file}-wal`);
  db.close();
}

/** Another project's state file, with a suppression of its own left in its log, that log copied beside this one's state file. */
async function otherFilesLogBeside(
  f: SendFixture,
  cli: (args: string[]) => Promise<{ code: number | null }>,
): Promise<{ state: string; wal: string }> {
  mkdirSync(f.temp.path('other'));
  const other = f.temp.path('other/state.db');
  expect((await cli(['suppress', 'add', 'someone@elsewhere.test', '--state', other])).code).toBe(0);
  const state = f.temp.path('.rolecast/state.db');
  const wal = `${state}-wal`;
  logWithOneRecord(other, 'another@elsewhere.test', (log) => copyFileSync(log, wal));
  return { state, wal };
}

/** Writes one click into `file` (as serve records one) and copies its log to `copyTo` before SQLite folds it in. */
function logWithOneClick(file: string, issueId: string, copyTo: string): void {
  const db = new Database(file);
  db.pragma('wal_autocheckpoint = 0');
  db.prepare(
    "INSERT INTO clicks (issue_id, summary_id, role, variant_id, kind, target, clicked_at, first) VALUES (?, 's1', 'cto', 'v1', 'link', 'https://example.test/', ?, 1)",
  ).run(issueId, new Date().toISOString());
  copyFileSync(`${file}-wal`, copyTo);
  db.close();
}

function clickIssues(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT issue_id FROM clicks ORDER BY issue_id').pluck().all() as string[];
  } finally {
    db.close();
  }
}

/** Addresses the server took, with how many copies each got. */
async function copiesByReader(s: TestSmtpServer): Promise<Map<string, number>> {
  return tally((await s.messages()).map((m) => m.envelope.to[0]!));
}

describe('a write-ahead log beside the state file', () => {
  it('of another state file: every command refuses it and sends nothing; with it moved aside the file is whole', async () => {
    opened.fixture = await sendFixture(20);
    opened.server = await startSmtpServer();
    const env = sendEnv(opened.server.url());
    const cli = (args: string[]) => runCli(args, { cwd: opened.fixture!.dir, env });
    expect((await cli(['suppress', 'add', SUPPRESSED])).code).toBe(0);
    const first = await cli(SEND);
    expect(first.code, first.stderr).toBe(0);
    const mailed = opened.server.counts.accepted;
    expect(mailed).toBeGreaterThan(5);
    expect((await copiesByReader(opened.server)).has(SUPPRESSED)).toBe(false);

    // Another project's state file, with a record of its own left in its log.
    const { state, wal } = await otherFilesLogBeside(opened.fixture, cli);

    for (const args of [SEND, ['status', 'issues/2026-W48'], ['suppress', 'list']]) {
      const refused = await cli(args);
      expect(refused.code, `${args[0]}: ${refused.stderr}`).toBe(2);
      expect(refused.stderr).toContain(
        `the state file ${state} is damaged: its write-ahead log ${wal} belongs to another state file`,
      );
      expect(refused.stderr).toContain('nothing was sent');
      expect(refused.stderr).toContain(`move ${wal} and ${state}-shm aside`);
      expect(refused.stderr).not.toMatch(/this is a bug|\n\s+at /);
    }
    expect(opened.server.counts.accepted).toBe(mailed);

    // The file itself was never changed: with the log moved aside, as the message says, it is as it was.
    renameSync(wal, `${wal}.other`);
    if (existsSync(`${state}-shm`)) renameSync(`${state}-shm`, `${state}-shm.other`);
    const listed = await cli(['suppress', 'list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(SUPPRESSED);
    expect(listed.stdout).not.toContain('elsewhere.test');
    const again = await cli(SEND);
    expect(again.code, again.stderr).toBe(0);
    expect(opened.server.counts.accepted).toBe(mailed);
    expect([...(await copiesByReader(opened.server)).values()].every((n) => n === 1)).toBe(true);
  });

  it('of another state file holding only a table the ledger does not hold (a click): refused, the file left as it was', async () => {
    opened.fixture = await sendFixture(20);
    const cli = (args: string[]) => runCli(args, { cwd: opened.fixture!.dir, env: sendEnv() });
    expect((await cli(['suppress', 'add', SUPPRESSED])).code).toBe(0);
    const state = opened.fixture.temp.path('.rolecast/state.db');
    logWithOneClick(state, 'ours', `${state}.unused-wal`);
    mkdirSync(opened.fixture.temp.path('other'));
    const other = opened.fixture.temp.path('other/state.db');
    expect((await cli(['suppress', 'add', 'someone@elsewhere.test', '--state', other])).code).toBe(0);
    // A serve of the other file took a click since its last checkpoint: that is all its log holds.
    const wal = `${state}-wal`;
    logWithOneClick(other, 'theirs', wal);

    for (const args of [SEND, ['status', 'issues/2026-W48'], ['suppress', 'list']]) {
      const refused = await cli(args);
      expect(refused.code, `${args[0]}: ${refused.stderr}`).toBe(2);
      expect(refused.stderr).toContain(`its write-ahead log ${wal} belongs to another state file`);
    }
    renameSync(wal, `${wal}.other`);
    rmSync(`${state}-shm`, { force: true });
    expect(clickIssues(state)).toEqual(['ours']);
  });

  it('of another state file: the reads that only look (check, report) refuse it too', async () => {
    opened.fixture = await sendFixture(20);
    const cli = (args: string[]) => runCli(args, { cwd: opened.fixture!.dir, env: sendEnv() });
    expect((await cli(['suppress', 'add', SUPPRESSED])).code).toBe(0);
    const { state, wal } = await otherFilesLogBeside(opened.fixture, cli);

    const check = ['check', 'issues/2026-W48', '--subscribers', 'subscribers.json'];
    for (const args of [check, ['report', 'issues/2026-W48', '--json']]) {
      const refused = await cli(args);
      expect(refused.code, `${args[0]}: ${refused.stdout}${refused.stderr}`).toBe(2);
      expect(refused.stderr).toContain(`its write-ahead log ${wal} belongs to another state file`);
    }
    // Moved aside, the file reads as its own again: the suppressed reader is not among the receivers.
    renameSync(wal, `${wal}.other`);
    rmSync(`${state}-shm`, { force: true });
    const checked = await cli([...check, '--json']);
    expect(checked.code, checked.stderr).not.toBe(2);
  });

  it('of the file itself, left by a process that stopped without closing it: its records count, nothing is refused', async () => {
    opened.fixture = await sendFixture(20);
    opened.server = await startSmtpServer();
    const env = sendEnv(opened.server.url());
    const cli = (args: string[]) => runCli(args, { cwd: opened.fixture!.dir, env });
    expect((await cli(['suppress', 'add', 'someone@example.test'])).code).toBe(0);
    const state = opened.fixture.temp.path('.rolecast/state.db');
    // The file and its log as they were while the record sat in the log only, put back in place.
    logWithOneRecord(state, SUPPRESSED, (log) => {
      copyFileSync(state, `${state}.kept`);
      copyFileSync(log, `${log}.kept`);
    });
    rmSync(`${state}-shm`, { force: true });
    renameSync(`${state}.kept`, state);
    renameSync(`${state}-wal.kept`, `${state}-wal`);

    const sent = await cli(SEND);
    expect(sent.code, sent.stderr).toBe(0);
    expect(opened.server.counts.accepted).toBeGreaterThan(5);
    expect((await copiesByReader(opened.server)).has(SUPPRESSED)).toBe(false);
  });
});
