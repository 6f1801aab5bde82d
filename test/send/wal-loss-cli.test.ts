import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { acceptedAt, stopChildren } from './_waiting.js';

/**
 * A send killed with SIGKILL leaves its ledger in the write-ahead log (`state.db-wal`), and the
 * log's index (`state.db-shm`) beside it. A log deleted or cut short afterwards (a "stale file"
 * removed, a copy of state.db taken without its log) opens in SQLite without a word, and every
 * reader recorded only there would be mailed again: the index tells, and the file is refused.
 */

let server: TestSmtpServer | undefined;
let fixture: SendFixture | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  stopChildren(children);
  await server?.close();
  await fixture?.cleanup();
  server = undefined;
  fixture = undefined;
});

const SEND = ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'];

/** A real `rolecast send`, killed with SIGKILL once the server took the messages `accepted` waits for. */
async function killedSend(f: SendFixture, env: NodeJS.ProcessEnv, accepted: Promise<void>): Promise<void> {
  const child = spawn(process.execPath, [CLI, ...SEND], {
    cwd: f.dir,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  children.push(child);
  const closed = new Promise((resolve) => child.on('close', resolve));
  await accepted;
  child.kill('SIGKILL');
  await closed;
}

describe('a write-ahead log lost after a send was killed', { timeout: 180_000 }, () => {
  it.each([
    ['deleted', (wal: string) => rmSync(wal)],
    ['cut short', (wal: string) => truncateSync(wal, Math.floor(readFileSync(wal).length / 3))],
  ])(
    '%s: send and status refuse the state, nothing is sent; with the log put back, nobody is mailed twice',
    async (_name, lose) => {
      const concurrency = 2;
      fixture = await sendFixture(70, { concurrency });
      const first = acceptedAt(20);
      server = await startSmtpServer({ faults: { dataDelayMs: 10 }, onAccepted: first.onAccepted });
      const env = sendEnv(server.url());
      await killedSend(fixture, env, first.reached);
      const state = fixture.temp.path('.rolecast/state.db');
      const wal = `${state}-wal`;
      expect(existsSync(`${state}-shm`)).toBe(true);
      const log = readFileSync(wal);
      lose(wal);
      const before = server.counts.accepted;

      const refused = await runCli(SEND, { cwd: fixture.dir, env });
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toContain(`the state file ${state} is damaged: its write-ahead log ${wal} `);
      expect(refused.stderr).toMatch(/lists committed records there .*nothing was sent/);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
      const status = await runCli(['status', 'issues/2026-W48'], { cwd: fixture.dir, env });
      expect(status.code, status.stderr).toBe(2);
      expect(server.counts.accepted).toBe(before);

      writeFileSync(wal, log);
      const resumed = await runCli(SEND, { cwd: fixture.dir, env });
      expect(resumed.code, resumed.stderr).toBe(0);
      const counts = new Map<string, number>();
      for (const m of await server.messages()) counts.set(m.envelope.to[0]!, (counts.get(m.envelope.to[0]!) ?? 0) + 1);
      const twice = [...counts.values()].filter((n) => n > 1);
      expect(twice.length).toBeLessThanOrEqual(concurrency);
    },
  );

  it('is no loss once the log was copied into the file: a missing log is then accepted', async () => {
    fixture = await sendFixture(5);
    const file = fixture.temp.path('.rolecast/state.db');
    // A process writes a record, checkpoints it into the file and is killed: the index stays.
    const script = `
      const { openStateDb } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/send/store.js'))});
      const db = openStateDb(${JSON.stringify(file)});
      db.prepare("INSERT INTO suppressions (email, created_at) VALUES ('gone@example.test', 'now')").run();
      db.pragma('wal_checkpoint(PASSIVE)');
      process.kill(process.pid, 'SIGKILL');`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script]);
    expect(child.signal).toBe('SIGKILL');
    expect(existsSync(`${file}-shm`)).toBe(true);
    rmSync(`${file}-wal`);
    const listed = await runCli(['suppress', 'list'], { cwd: fixture.dir });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('gone@example.test');
  });

  it('a state file moved aside with its log, its index left behind, starts afresh: nothing to refuse', async () => {
    fixture = await sendFixture(5);
    const file = fixture.temp.path('.rolecast/state.db');
    // Records in the log only, then killed: the index lists them as committed.
    const script = `
      const { openStateDb } = await import(${JSON.stringify(join(REPO_ROOT, 'dist/send/store.js'))});
      const db = openStateDb(${JSON.stringify(file)});
      db.prepare("INSERT INTO suppressions (email, created_at) VALUES ('kept@example.test', 'now')").run();
      process.kill(process.pid, 'SIGKILL');`;
    expect(spawnSync(process.execPath, ['--input-type=module', '-e', script]).signal).toBe('SIGKILL');
    for (const suffix of ['', '-wal']) renameSync(`${file}${suffix}`, `${file}.damaged${suffix}`);
    expect(existsSync(`${file}-shm`)).toBe(true);
    const listed = await runCli(['suppress', 'list'], { cwd: fixture.dir });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).not.toContain('kept@example.test');
  });

  it('a copy a send was writing back when it stopped, with no state file, is named, not started afresh', async () => {
    fixture = await sendFixture(5);
    const file = fixture.temp.path('.rolecast/state.db');
    await fixture.temp.write('.rolecast/state.db.writing-4242', 'partial');
    server = await startSmtpServer();
    const send = await runCli(SEND, { cwd: fixture.dir, env: sendEnv(server.url()) });
    expect(send.code, send.stderr).toBe(2);
    expect(send.stderr).toContain(`the state file ${file} is missing, and ${file}.writing-4242 beside it`);
    expect(server.counts.accepted).toBe(0);
    expect(existsSync(file)).toBe(false);
  });
});
