import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { compileAudience } from '../../src/render/index.js';
import { runScheduledSendCommand } from '../../src/schedule/index.js';
import { addSuppression, openStateDb, type SendReport, sendIssue } from '../../src/send/index.js';
import { captureStreams, type TempProject, tempProject } from '../helpers/project.js';

/** `rolecast send` and `status` in-process, on a copy of the example project, with the outbox as transport. */
let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(async () => {
  await project.cleanup();
});

async function run(...argv: string[]) {
  const streams = captureStreams();
  const code = await main(argv, {
    cwd: project.dir,
    env: { ROLECAST_SECRET: 'schedule-command-secret-0123456789ab' },
    stdout: streams.stdout,
    stderr: streams.stderr,
    signal: new AbortController().signal,
  });
  return { code, out: streams.out, err: streams.err };
}

const send = (...extra: string[]) =>
  run('send', 'issues/2026-W48', '--subscribers', 'subscribers.example.json', '--outbox', 'outbox', ...extra);

/** Long past, so every wave is overdue and `--send-missed` sends them all at once. */
const PAST = '2026-01-05T08:00';

type SendOptions = Parameters<typeof runScheduledSendCommand>[0]['send'];

/** `send --at PAST --local --send-missed` to the outbox through the library, with extra send options. */
function scheduledInProcess(
  streams: ReturnType<typeof captureStreams>,
  extra: Partial<SendOptions>,
  printReport: (report: SendReport) => void,
) {
  return runScheduledSendCommand({
    send: {
      issueDir: 'issues/2026-W48',
      subscribersFile: 'subscribers.example.json',
      cwd: project.dir,
      env: { ROLECAST_SECRET: 'schedule-command-secret-0123456789ab' },
      outbox: 'outbox',
      ...extra,
    },
    at: PAST,
    local: true,
    sendMissed: true,
    dryRun: false,
    stdout: streams.stdout,
    printReport,
  });
}

/** Messages a scheduled send's printed reports say went out, summed over its waves. */
function sentCounts(out: string): number {
  return [...out.matchAll(/^(\d+) sent in /gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

async function outboxFiles(): Promise<string[]> {
  return (await readdir(project.path('outbox'))).filter((f) => f.endsWith('.eml')).sort();
}

describe('scheduled send command', () => {
  it('sends each wave through the send itself, restricted by address, writing no subscriber data to disk', async () => {
    const scratch = await mkdtemp(join(tmpdir(), 'rolecast-tmp-'));
    const savedTmp = process.env.TMPDIR;
    // Anything written to the temp folder during a wave would show up here.
    process.env.TMPDIR = scratch;
    const seen: string[][] = [];
    const reports: SendReport[] = [];
    try {
      const streams = captureStreams();
      const code = await scheduledInProcess(
        streams,
        {
          compile: async (p, variants) => {
            seen.push(await readdir(scratch, { recursive: true }));
            return compileAudience(p, variants);
          },
        },
        (report) => reports.push(report),
      );
      expect(code, streams.out).toBe(0);
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
      await rm(scratch, { recursive: true, force: true });
    }
    expect(seen).toHaveLength(6);
    expect(seen.flat()).toEqual([]);
    // One report per wave, each counting only that wave's readers.
    expect(reports.map((r) => r.total.sent)).toEqual([1, 2, 3, 1, 1, 2]);
    expect(reports.every((r) => r.total.skipped.unsubscribed === 0 && r.total.skipped.noContent === 0)).toBe(true);
    expect(await outboxFiles()).toHaveLength(10);
  });

  it('plans only the readers of --segment, as the send counts them', async () => {
    const scheduled = await send('--segment', 'CTO', '--at', '2026-11-30T08:00', '--local', '--dry-run');
    expect(scheduled.code, scheduled.err).toBe(0);
    expect(scheduled.out).toContain('2 wave(s), 3 recipient(s)');
    expect(scheduled.out).toMatch(/2026-11-30 02:30 UTC\s+2 recipient\(s\)\s+Asia\/Kolkata/);
    expect(scheduled.out).not.toContain('America/');
    const immediate = await send('--segment', 'CTO', '--dry-run', '--json');
    expect(JSON.parse(immediate.out).total.planned).toBe(3);
  });

  it('leaves suppressed readers out of the plan, and a dry run creates no state file', async () => {
    const stateFile = project.path('.rolecast/state.db');
    const dry = await send('--at', '2026-11-30T08:00', '--local', '--dry-run');
    expect(dry.out).toContain('6 wave(s), 10 recipient(s)');
    expect(existsSync(stateFile)).toBe(false);

    const db = openStateDb(stateFile);
    addSuppression(db, 'Priya.Raman@example.com', { reason: 'bounce' });
    db.close();
    const again = await send('--at', '2026-11-30T08:00', '--local', '--dry-run');
    expect(again.out).toContain('6 wave(s), 9 recipient(s)');
    expect(again.out).toMatch(/2026-11-30 02:30 UTC\s+1 recipient\(s\)\s+Asia\/Kolkata/);
  });

  it('records one run for the whole schedule, and status lists its waves', async () => {
    const result = await send('--at', PAST, '--local', '--send-missed');
    expect(result.code, result.err).toBe(0);
    expect(await outboxFiles()).toHaveLength(10);

    const status = await run('status', 'issues/2026-W48', '--json');
    const parsed = JSON.parse(status.out);
    const [outbox] = parsed.channels;
    // Ten readers in six waves: the run counts all ten, not the last wave's two.
    expect(outbox).toMatchObject({ planned: 10, sent: 10, pending: 0 });
    expect(outbox.channel).toMatch(/^outbox:.*outbox$/);
    expect(outbox.lastRun.outcome).toBe('complete');
    expect(parsed.schedules).toHaveLength(1);
    expect(parsed.schedules[0].waves.map((w: { status: string }) => w.status)).toEqual(Array(6).fill('sent'));

    const text = await run('status', 'issues/2026-W48');
    expect(text.out).toContain('via outbox outbox: 10 sent, 0 failed, 0 deferred, 0 pending — last run complete');
    expect(text.out).toContain('2026-W48 scheduled via outbox outbox: 6 wave(s), 10 recipient(s)');
    expect(text.out).toMatch(/2026-01-05 02:30 UTC\s+2 recipient\(s\)\s+sent\s+Asia\/Kolkata/);
    expect(text.out).toMatch(/2026-01-05 16:00 UTC\s+2 recipient\(s\)\s+sent\s+America\/Los_Angeles/);
  });

  it('--resend sends waves already sent again, once to each of their readers', async () => {
    expect((await send('--at', PAST, '--local', '--send-missed')).code).toBe(0);
    const again = await send('--at', PAST, '--local', '--send-missed');
    expect(again.out).toContain('was already sent');
    expect(await outboxFiles()).toHaveLength(10);

    const resent = await send('--at', PAST, '--local', '--send-missed', '--resend');
    expect(resent.code, resent.err).toBe(0);
    expect(resent.out).toMatch(/sending the wave at \S+ again \(--resend\) to 2 reader\(s\)/);
    expect(sentCounts(resent.out)).toBe(10);
    const status = JSON.parse((await run('status', 'issues/2026-W48', '--json')).out);
    expect(status.channels[0]).toMatchObject({ planned: 10, sent: 10, pending: 0 });
    expect(status.channels[0].lastRun.outcome).toBe('complete');
  });

  it('a --resend of waves cut short resumes: readers it reached are not sent it again', async () => {
    expect((await send('--at', PAST, '--local', '--send-missed')).code).toBe(0);
    const stop = new AbortController();
    let waves = 0;
    const streams = captureStreams();
    const code = await scheduledInProcess(streams, { resend: true, signal: stop.signal }, () => {
      if (++waves === 2) stop.abort();
    });
    expect(code).not.toBe(0);
    // The first two waves (three readers) got the resend; the rest get it now, and only they.
    const resumed = await send('--at', PAST, '--local', '--send-missed', '--resend');
    expect(resumed.code, resumed.err).toBe(0);
    expect(sentCounts(resumed.out)).toBe(7);
  });

  it('status shows missed waves, and pending readers for the run', async () => {
    const missed = await send('--at', `${PAST}Z`);
    expect(missed.code).toBe(3);
    const status = await run('status', 'issues/2026-W48');
    expect(status.out).toMatch(/2026-01-05 08:00 UTC\s+10 recipient\(s\)\s+missed \(\d+ min late\)\s+UTC/);
    expect(status.out).toContain('via outbox outbox: 0 sent, 0 failed, 0 deferred, 10 pending — last run failed');
    const json = JSON.parse((await run('status', 'issues/2026-W48', '--json')).out);
    expect(json.schedules[0].waves[0]).toMatchObject({ status: 'missed', recipients: 10 });
  });

  it('status without a schedule prints no wave lines', async () => {
    expect((await send()).code).toBe(0);
    const status = await run('status', 'issues/2026-W48');
    expect(status.out).toContain('via outbox outbox: 10 sent');
    expect(status.out).not.toContain('scheduled');
  });

  it('holds the send lock for the whole schedule: a send of the same issue is refused between waves', async () => {
    const controller = new AbortController();
    const base = {
      issueDir: 'issues/2026-W48',
      subscribersFile: 'subscribers.example.json',
      cwd: project.dir,
      env: { ROLECAST_SECRET: 'schedule-command-secret-0123456789ab' },
      outbox: 'outbox',
    };
    let between: unknown;
    const streams = captureStreams();
    const code = await runScheduledSendCommand({
      send: { ...base, signal: controller.signal },
      at: '2099-01-05T08:00Z',
      local: false,
      sendMissed: false,
      dryRun: false,
      stdout: streams.stdout,
      printReport: () => {},
      // While the schedule waits for its wave, someone starts an immediate send; then Ctrl-C.
      sleep: async () => {
        between = await sendIssue(base).catch((error: unknown) => error);
        controller.abort();
      },
    });
    expect(code).toBe(130);
    expect(between).toMatchObject({ code: 'E_LOCKED' });
    expect(existsSync(project.path('outbox'))).toBe(false);
    // Released when the schedule ends.
    expect((await send()).code).toBe(0);
  });
});
