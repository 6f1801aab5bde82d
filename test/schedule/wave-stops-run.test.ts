import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runScheduledSendCommand } from '../../src/schedule/index.js';
import type { SendReport } from '../../src/send/index.js';
import { captureStreams, type TempProject, tempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A wave that stops the way a plain send stops (the server unreachable, the sender refused) ends
 * the scheduled run there: the later waves are not started hours later, unwatched, and the same
 * command finishes the wave and sends the rest once the server is back. A wave with a reader
 * refused by the server is finished as usual, and the run goes on.
 */

/** Long past, so every wave is overdue and `--send-missed` sends them all at once, earliest first. */
const PAST = '2026-01-05T08:00';
/** The example list's earliest wave (08:00 in Sydney) holds this reader alone. */
const FIRST_WAVE_READER = 'lucy.tran@example.com';
const READERS = 10;

let project: TempProject;
let server: TestSmtpServer | undefined;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  // Quick retries, so a server that does not answer is given up on in milliseconds.
  await setSend({ retries: 1, retryBaseMs: 5 });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await project.cleanup();
});

/** Three readers in the first wave (Sydney), two in a later one (Berlin). */
const SYDNEY_FIRST = ['ava', 'ben', 'cai', 'dora', 'emil'].map((name, i) => ({
  email: `${name}@example.com`,
  name,
  roles: ['CTO'],
  timezone: i < 3 ? 'Australia/Sydney' : 'Europe/Berlin',
  status: 'active',
}));

async function setSend(send: Record<string, number>) {
  const configFile = project.path('rolecast.config.json');
  const config = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
  config.send = send;
  await writeFile(configFile, JSON.stringify(config, null, 2));
}

async function scheduled(smtpUrl: string, subscribersFile = 'subscribers.example.json') {
  const streams = captureStreams();
  const reports: SendReport[] = [];
  const outcome = await runScheduledSendCommand({
    send: {
      issueDir: 'issues/2026-W48',
      subscribersFile,
      cwd: project.dir,
      env: { ROLECAST_SECRET: 'schedule-command-secret-0123456789ab', SMTP_URL: smtpUrl },
    },
    at: PAST,
    local: true,
    sendMissed: true,
    dryRun: false,
    stdout: streams.stdout,
    printReport: (report) => reports.push(report),
  }).then(
    (code) => ({ code, error: undefined as Error | undefined }),
    (error: Error) => ({ code: undefined, error }),
  );
  return { ...outcome, reports, out: streams.out };
}

async function recipients(smtp: TestSmtpServer): Promise<string[]> {
  return (await smtp.messages()).map((m) => m.envelope.to[0]!).sort();
}

describe('a scheduled wave that stops as a plain send stops', () => {
  it('ends the run when the server goes away in its first wave; the same command then sends the rest, each reader once', async () => {
    // One message at a time: the first takes the server down, the next finds nothing listening.
    await setSend({ retries: 1, retryBaseMs: 5, concurrency: 1 });
    await project.write('subscribers.json', JSON.stringify({ subscribers: SYDNEY_FIRST }, null, 2));
    server = await startSmtpServer({ faults: { vanishOnData: 1 } });
    const { port } = server;
    const url = server.url();
    const first = await scheduled(url, 'subscribers.json');
    expect(first.error?.message, first.out).toMatch(/could not be reached.*later waves were not started/);
    expect((first.error as { exitCode?: number } | undefined)?.exitCode).toBe(3);
    // Only the first wave started: no later wave was tried against the dead server.
    expect(first.reports).toHaveLength(1);
    expect(first.reports[0]!.stopped).toBeDefined();
    expect(first.out).not.toMatch(/sending the wave at 2026-01-05T07:00Z/);
    await server.close();

    server = await startSmtpServer({ port });
    const second = await scheduled(url, 'subscribers.json');
    expect(second.error, second.out).toBeUndefined();
    expect(second.code, second.out).toBe(0);
    const got = await recipients(server);
    expect(got).toEqual(SYDNEY_FIRST.map((s) => s.email).sort());
  });

  it('ends the run when the server refuses the sender of every message; the same command then sends the rest once', async () => {
    server = await startSmtpServer({
      faults: { mailFromReply: { after: 0, code: 554, message: '5.7.1 Sender account suspended' } },
    });
    const first = await scheduled(server.url());
    expect(first.error?.message, first.out).toMatch(/refuse/);
    expect(first.reports).toHaveLength(1);
    expect(await server.messages()).toHaveLength(0);
    const port = server.port;
    await server.close();

    server = await startSmtpServer({ port });
    const second = await scheduled(server.url());
    expect(second.error, second.out).toBeUndefined();
    expect(second.code, second.out).toBe(0);
    const got = await recipients(server);
    expect(got).toHaveLength(READERS);
    expect(new Set(got).size).toBe(READERS);
  });

  it('goes on past a wave where the server refused one reader: every later wave is sent', async () => {
    server = await startSmtpServer({ faults: { rejectAddresses: [FIRST_WAVE_READER] } });
    const run = await scheduled(server.url());
    expect(run.error, run.out).toBeUndefined();
    // The refused reader is reported failed: the run ends with exit 3 once every wave went out.
    expect(run.code, run.out).toBe(3);
    expect(run.reports).toHaveLength(6);
    expect(run.reports[0]!.total.failed).toBe(1);
    const got = await recipients(server);
    expect(got).toHaveLength(READERS - 1);
    expect(got).not.toContain(FIRST_WAVE_READER);
  });
});
