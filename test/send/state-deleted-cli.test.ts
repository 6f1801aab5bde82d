import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planAudience } from '../../src/group/index.js';
import { openStateDb } from '../../src/send/store.js';
import { CLI, runCli } from '../helpers/cli.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';
import { acceptedAt, stopChildren } from './_waiting.js';

/**
 * SQLite goes on writing to a state file deleted under it. A send whose state folder is removed
 * mid-run (a clean-up, `git clean`, a tmp cleaner) would record the rest of the run into a file
 * nobody reads, finish with exit 0, and the next run would mail every reader a second time.
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

describe('the state file removed while a send runs', { timeout: 180_000 }, () => {
  it.each([
    ['the folder', '.rolecast'],
    ['the file alone (its log and index left)', '.rolecast/state.db'],
  ])(
    '%s: the send stops (exit 3) with its records written back, and the next run mails nobody twice',
    async (_name, removed) => {
      fixture = await sendFixture(70, { concurrency: 2 });
      const first = acceptedAt(15);
      server = await startSmtpServer({ faults: { dataDelayMs: 10 }, onAccepted: first.onAccepted });
      const env = sendEnv(server.url());
      const child = spawn(process.execPath, [CLI, ...SEND], {
        cwd: fixture.dir,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let stderr = '';
      child.stderr!.on('data', (chunk) => {
        stderr += chunk;
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await first.reached;
      const state = fixture.temp.path('.rolecast/state.db');
      // The send goes on writing into the folder while it is removed (ENOTEMPTY): removed again until gone.
      rmSync(fixture.temp.path(removed), { recursive: true, maxRetries: 20 });

      expect(await exited, stderr).toBe(3);
      expect(stderr).toContain(`the state file ${state} was deleted while the send ran: the send stopped`);
      expect(existsSync(state)).toBe(true);

      const resumed = await runCli(SEND, { cwd: fixture.dir, env });
      expect(resumed.code, resumed.stderr).toBe(0);
      const received = (await server.messages()).map((m) => m.envelope.to[0]!);
      const project = await fixture.load();
      const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
      expect(received.sort()).toEqual(plan.recipients.map((r) => r.subscriber.email).sort());
    },
  );

  it('a state file reached through a link, the link pointed at another file mid-run: the send stops (exit 3) and its records are kept', async () => {
    fixture = await sendFixture(70, { concurrency: 2 });
    // As a deploy might keep it: the state path a link to one of several files, switched by re-pointing it.
    const releases = fixture.temp.path('.rolecast/releases');
    mkdirSync(releases, { recursive: true });
    const first = join(releases, 'one.db');
    const second = join(releases, 'two.db');
    openStateDb(first).close();
    copyFileSync(first, second);
    const state = fixture.temp.path('.rolecast/state.db');
    symlinkSync(first, state);

    const taken = acceptedAt(15);
    server = await startSmtpServer({ faults: { dataDelayMs: 10 }, onAccepted: taken.onAccepted });
    const env = sendEnv(server.url());
    const child = spawn(process.execPath, [CLI, ...SEND], {
      cwd: fixture.dir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await taken.reached;
    // Re-pointed in one step, as a deploy does it (a new link renamed over the old one): removing the
    // link first leaves an instant with no file at the path, when the send takes it for deleted.
    symlinkSync(second, `${state}.next`);
    renameSync(`${state}.next`, state);

    expect(await exited, stderr).toBe(3);
    expect(stderr).toContain(`the state file ${state} was replaced by another file while the send ran`);
    // Done as its hint says: the rescued copy put where the link now points.
    const rescued = readdirSync(releases).find((name) => name.startsWith('two.db.rescued-'));
    expect(rescued, readdirSync(releases).join(', ')).toBeDefined();
    for (const leftover of [second, `${second}-wal`, `${second}-shm`]) rmSync(leftover, { force: true });
    renameSync(join(releases, rescued!), second);

    const resumed = await runCli(SEND, { cwd: fixture.dir, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    const received = (await server.messages()).map((m) => m.envelope.to[0]!);
    const project = await fixture.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    expect(received.sort()).toEqual(plan.recipients.map((r) => r.subscriber.email).sort());
  });
});
