import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { stopChildren, until } from './_waiting.js';

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

const sendArgs = (...extra: string[]) => ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', ...extra];

function startChild(f: SendFixture, env: NodeJS.ProcessEnv, ...extra: string[]) {
  const child = spawn(process.execPath, [CLI, ...sendArgs(...extra)], {
    cwd: f.dir,
    env: { ...process.env, SMTP_URL: '', ROLECAST_SECRET: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => {
    stdout += c;
  });
  child.stderr!.on('data', (c) => {
    stderr += c;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

describe('rolecast send (CLI)', () => {
  it('writes .eml files to outbox/<issue>/ when SMTP_URL is not set, and says so', async () => {
    fixture = await sendFixture(12);
    const result = await runCli(sendArgs(), { cwd: fixture.dir, env: sendEnv() });
    expect(result.stderr).toContain('SMTP_URL is not set');
    expect(result.code).toBe(0);
    const folder = join(fixture.dir, 'outbox', '2026-W48');
    const files = (await readdir(folder)).sort();
    const expected = await eligible(fixture);
    expect(files).toEqual(expected.map((e) => `${e}.eml`));
    for (const file of files) {
      const parsed = await simpleParser(await readFile(join(folder, file)));
      const to = parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : [];
      expect(to).toEqual([file.replace(/\.eml$/, '')]);
      expect(parsed.html).toBeTruthy();
      expect(parsed.text).toBeTruthy();
    }
    // A second run writes nothing new: everything is in the ledger.
    const again = await runCli([...sendArgs(), '--json'], { cwd: fixture.dir, env: sendEnv() });
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report.total).toMatchObject({ planned: 0, sent: 0 });
    expect(report.total.skipped.alreadySent).toBe(expected.length);
  });

  it('--dry-run sends nothing and writes no state', async () => {
    fixture = await sendFixture(15);
    server = await startSmtpServer();
    const result = await runCli([...sendArgs(), '--dry-run', '--json'], {
      cwd: fixture.dir,
      env: sendEnv(server.url()),
    });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.mode).toBe('dry-run');
    expect(report.total.planned).toBe((await eligible(fixture)).length);
    expect(report.variants.length).toBeGreaterThan(1);
    expect(server.counts.connections).toBe(0);
    expect(existsSync(join(fixture.dir, '.rolecast'))).toBe(false);
    expect(existsSync(join(fixture.dir, 'outbox'))).toBe(false);
  });

  it('exits 3 on a permanent failure, and status shows it with the server reply', async () => {
    fixture = await sendFixture(6);
    const refused = fixture.subscribers[0]!.email;
    server = await startSmtpServer({ faults: { rejectAddresses: [refused] } });
    const result = await runCli(sendArgs(), { cwd: fixture.dir, env: sendEnv(server.url()) });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain(refused);
    const status = await runCli(['status', 'issues/2026-W48'], { cwd: fixture.dir });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/via smtp: \d+ sent, 1 failed, 0 deferred, 0 pending/);
    expect(status.stdout).toContain(`${refused} [failed, 1 attempt(s)]: 550`);
    expect(status.stdout).toContain('No such user here');
  });

  it('status counts a deferred reader once, as deferred, not also as pending', async () => {
    fixture = await sendFixture(6, { concurrency: 1, retries: 0 });
    const expected = await eligible(fixture);
    server = await startSmtpServer({ faults: { tempFailData: [2] } });
    const result = await runCli(sendArgs(), { cwd: fixture.dir, env: sendEnv(server.url()) });
    expect(result.code).toBe(3);
    const status = await runCli(['status', 'issues/2026-W48'], { cwd: fixture.dir });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`via smtp: ${expected.length - 1} sent, 0 failed, 1 deferred, 0 pending`);
    const json = JSON.parse((await runCli(['status', 'issues/2026-W48', '--json'], { cwd: fixture.dir })).stdout);
    expect(json.channels[0]).toMatchObject({ planned: expected.length, deferred: 1, pending: 0 });
  });

  it('aborts with exit 2 on a wrong password, sends nothing and never prints the password', async () => {
    fixture = await sendFixture(4);
    server = await startSmtpServer({ auth: { user: 'mailer', pass: 'correct-horse' } });
    const password = 'Tr0ub4dor-and-3';
    const result = await runCli(sendArgs(), {
      cwd: fixture.dir,
      env: sendEnv(server.url({ user: 'mailer', pass: password })),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`127.0.0.1:${server.port}`);
    expect(result.stdout + result.stderr).not.toContain(password);
    expect(server.counts.data).toBe(0);
  });

  it('after SIGKILL mid-send, the same command delivers to everyone once, bar messages in flight', async () => {
    const concurrency = 3;
    fixture = await sendFixture(90, { concurrency });
    server = await startSmtpServer({ faults: { dataDelayMs: 25 } });
    const env = sendEnv(server.url());
    const { child, done } = startChild(fixture, env);
    await until(() => server!.counts.accepted >= 10, 'the first messages', 30_000, 10);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    const expected = await eligible(fixture);
    const beforeResume = server.counts.accepted;
    expect(beforeResume).toBeLessThan(expected.length);

    // The dead process's lock is stale: the re-run takes it over and finishes the job.
    const rerun = await runCli(sendArgs(), { cwd: fixture.dir, env });
    expect(rerun.stderr).not.toContain('another send');
    expect(rerun.code).toBe(0);

    const received = (await server.messages()).map((m) => m.envelope.to[0]!);
    const counts = countBy(received);
    expect([...counts.keys()].sort()).toEqual(expected);
    const duplicates = [...counts.values()].filter((n) => n > 1);
    expect(duplicates.every((n) => n === 2)).toBe(true);
    expect(duplicates.length).toBeLessThanOrEqual(concurrency);
  });

  it('on SIGINT finishes in-flight messages, prints the report, exits 130, and resumes without duplicates', async () => {
    fixture = await sendFixture(60, { concurrency: 2 });
    server = await startSmtpServer({ faults: { dataDelayMs: 25 } });
    const env = sendEnv(server.url());
    const { child, done } = startChild(fixture, env);
    await until(() => server!.counts.accepted >= 5, 'the first messages', 30_000, 10);
    child.kill('SIGINT');
    const stopped = await done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('interrupted — run the same command to resume');
    expect(stopped.stdout).toContain('total');

    const rerun = await runCli(sendArgs(), { cwd: fixture.dir, env });
    expect(rerun.code).toBe(0);
    const received = (await server.messages()).map((m) => m.envelope.to[0]!).sort();
    expect(received).toEqual(await eligible(fixture));
  });
});
