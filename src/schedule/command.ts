import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEnvironment } from '../config/env.js';
import { EXIT, RolecastError } from '../errors.js';
import { loadProject } from '../load/project.js';
import type { Subscriber } from '../model/subscriber.js';
import { type SendOptions, type SendReport, sendIssue } from '../send/index.js';
import { openStateDb, stateFilePath } from '../send/store.js';
import { scheduledSend } from './scheduled-send.js';

/**
 * `rolecast send … --at TIME [--local] [--send-missed]`: the scheduled form of `send`. Each wave is
 * an ordinary `sendIssue` run restricted to the wave's subscribers, so locking, the ledger,
 * suppressions, retries and the report all behave exactly as in an immediate send.
 */

export interface ScheduledSendCommandOptions {
  /** What an immediate send would be given; `subscribersFile` is replaced per wave. */
  send: SendOptions;
  at: string;
  local: boolean;
  sendMissed: boolean;
  dryRun: boolean;
  stdout: NodeJS.WritableStream;
  printReport: (report: SendReport) => void;
}

export async function runScheduledSendCommand(options: ScheduledSendCommandOptions): Promise<number> {
  const { send } = options;
  if (send.test)
    throw new RolecastError('E_USAGE', '--at cannot be combined with --test', {
      hint: 'a test message is sent at once',
    });
  if (!options.at)
    throw new RolecastError('E_USAGE', '--local and --send-missed need --at TIME', {
      hint: 'e.g. --at 2026-11-30T08:00 --local',
    });
  const project = await loadProject({
    issueDir: send.issueDir,
    subscribersFile: send.subscribersFile,
    configFile: send.configFile,
    cwd: send.cwd,
  });
  const env = readEnvironment(send.env);
  // The same rule sendIssue uses, so waves of a trial run to the outbox never count as sent over SMTP.
  const channel = send.outbox || !env.smtpUrl ? 'outbox' : 'smtp';
  const db = openStateDb(stateFilePath(project.config, send.cwd, send.stateFile));
  const waveDir = options.dryRun ? undefined : await mkdtemp(join(tmpdir(), 'rolecast-wave-'));
  let interrupted = false;
  let failedMessages = 0;
  try {
    const result = await scheduledSend(
      {
        project,
        channel,
        at: options.at,
        local: options.local,
        sendMissed: options.sendMissed,
        dryRun: options.dryRun,
        stdout: options.stdout,
        ...(send.signal ? { signal: send.signal } : {}),
      },
      {
        db,
        ...(send.now ? { now: send.now } : {}),
        sendTo: async (subscribers, wave) => {
          const file = await writeWaveFile(waveDir!, wave.utc, subscribers);
          const report = await sendIssue({ ...send, subscribersFile: file, dryRun: false });
          options.printReport(report);
          failedMessages += report.total.failed + report.total.deferred;
          if (report.interrupted) {
            interrupted = true;
            throw new RolecastError('E_INTERRUPTED', 'the scheduled send was interrupted', {
              hint: 'run the same command again to resume: waves and messages already sent are not sent again',
            });
          }
          // Deferred messages keep the wave open, so running the command again retries them.
          if (report.total.deferred > 0)
            return { complete: false, detail: `${report.total.deferred} message(s) deferred` };
          return { complete: true };
        },
      },
    );
    if (!result.report) return EXIT.ok;
    if (result.report.missed > 0 || failedMessages > 0) return EXIT.sendFailed;
    return EXIT.ok;
  } catch (error) {
    if (interrupted || (error instanceof RolecastError && error.code === 'E_INTERRUPTED')) {
      options.stdout.write('interrupted — run the same command to resume\n');
      return EXIT.interrupted;
    }
    throw error;
  } finally {
    db.close();
    if (waveDir) await rm(waveDir, { recursive: true, force: true });
  }
}

/**
 * The wave's subscribers as a subscribers file for `sendIssue`, private to this process and
 * deleted when the run ends.
 */
async function writeWaveFile(dir: string, waveUtc: string, subscribers: Subscriber[]): Promise<string> {
  const file = join(dir, `wave-${waveUtc.replace(/[^0-9TZ]/g, '')}.json`);
  await writeFile(file, JSON.stringify({ subscribers }), { mode: 0o600 });
  return file;
}
