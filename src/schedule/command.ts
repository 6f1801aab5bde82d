import { readEnvironment } from '../config/env.js';
import { EXIT, RolecastError } from '../errors.js';
import { loadProject } from '../load/project.js';
import { type SendOptions, type SendReport, sendIssue } from '../send/index.js';
import { type Channel, openLedger } from '../send/ledger.js';
import { openExistingStateDb, openStateDb, type StateDb, stateFilePath } from '../send/store.js';
import { scheduledSend } from './scheduled-send.js';

/**
 * `rolecast send … --at TIME [--local] [--send-missed]`: the scheduled form of `send`. Each wave is
 * an ordinary `sendIssue` run restricted to the wave's addresses (`onlyEmails`), so locking, the
 * ledger, suppressions, segments, retries and the report all behave exactly as in an immediate
 * send. The ledger's run record covers the whole schedule, not one wave.
 */

export interface ScheduledSendCommandOptions {
  /** What an immediate send would be given; each wave adds its addresses. */
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
  const channel: Channel = send.outbox || !env.smtpUrl ? 'outbox' : 'smtp';
  const stateFile = stateFilePath(project.config, send.cwd, send.stateFile);
  // A dry run reads the suppressions when there is a state file, and never creates one.
  const db: StateDb | undefined = options.dryRun ? openExistingStateDb(stateFile) : openStateDb(stateFile);
  const ledger = db && !options.dryRun ? openLedger(db, project.issue.id, channel, send.now) : undefined;
  let started = false;
  let interrupted = false;
  let undelivered = 0;
  try {
    const result = await scheduledSend(
      {
        project,
        channel,
        at: options.at,
        local: options.local,
        segments: send.segments ?? [],
        sendMissed: options.sendMissed,
        dryRun: options.dryRun,
        stdout: options.stdout,
        ...(send.signal ? { signal: send.signal } : {}),
      },
      {
        db,
        ...(send.now ? { now: send.now } : {}),
        onStart: (waves) => {
          ledger?.startRun(waves.reduce((sum, wave) => sum + wave.count, 0));
          started = true;
        },
        sendTo: async (subscribers) => {
          const onlyEmails = new Set(subscribers.map((s) => s.email));
          const report = await sendIssue({ ...send, onlyEmails, partOfRun: true, dryRun: false });
          options.printReport(report);
          const left = report.total.failed + report.total.deferred + report.total.pending;
          undelivered += left;
          if (report.interrupted) {
            interrupted = true;
            throw new RolecastError('E_INTERRUPTED', 'the scheduled send was interrupted', {
              hint: 'run the same command again to resume: waves and messages already sent are not sent again',
            });
          }
          // Deferred or unattempted messages keep the wave open, so running the command again retries them.
          if (left - report.total.failed > 0)
            return { complete: false, detail: `${left - report.total.failed} message(s) not delivered yet` };
          return { complete: true };
        },
      },
    );
    if (!result.report) return EXIT.ok;
    const incomplete = result.report.missed > 0 || undelivered > 0;
    ledger?.finishRun(incomplete ? 'failed' : 'complete');
    return incomplete ? EXIT.sendFailed : EXIT.ok;
  } catch (error) {
    const wasInterrupted = interrupted || (error instanceof RolecastError && error.code === 'E_INTERRUPTED');
    if (started) ledger?.finishRun(wasInterrupted ? 'interrupted' : 'failed');
    if (wasInterrupted) {
      options.stdout.write('interrupted — run the same command to resume\n');
      return EXIT.interrupted;
    }
    throw error;
  } finally {
    db?.close();
  }
}
