import { DateTime } from 'luxon';
import { readEnvironment } from '../config/env.js';
import { EXIT, formatProblem, RolecastError } from '../errors.js';
import { loadProject } from '../load/project.js';
import { deliveryChannel } from '../send/channel.js';
import { type SendOptions, type SendReport, sendIssue } from '../send/index.js';
import { coversPartOfList, resendGeneration } from '../send/ledger.js';
import { leftLockNote } from '../send/lock.js';
import { abortedRun, smtpUrlHasLogin } from '../send/report.js';
import { outboxFolders, refuseDrafts } from '../send/send-issue.js';
import { warnIfStateLost } from '../send/state-loss.js';
import type { StateLock, StateStore } from '../state/contract.js';
import { stateLocation } from '../state/location.js';
import { openState, openStateToRehearse } from '../state/open.js';
import { sleep as realSleep, type WaveResult } from './runner.js';
import { scheduledSend } from './scheduled-send.js';
import { watchedWait } from './watched-wait.js';
import { stoppedWave } from './wave-stop.js';

/**
 * `rolecast send … --at TIME [--local] [--send-missed]`: the scheduled form of `send`. Each wave is
 * an ordinary `sendIssue` run restricted to the wave's addresses (`onlyEmails`), so the ledger,
 * suppressions, segments, retries and the report all behave exactly as in an immediate send. The
 * send lock and the ledger's run record cover the whole schedule, not one wave: between waves no
 * other send of the issue can start.
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
  /** The wait between waves; replaceable in tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
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
    stateFile: send.stateFile,
    env: send.env,
    // Pauses are judged at each wave (every wave loads the readers again): a reader whose pause
    // ends before the last wave can go out is planned, and skipped if still paused at theirs.
    now: latestWaveTime(options.at, send.now?.() ?? new Date()),
  });
  // Once for the whole schedule; the waves are told not to repeat them.
  for (const problem of project.problems) send.log?.(formatProblem(problem));
  // Now, not at the first wave hours later, when nobody is watching.
  if (!options.dryRun) refuseDrafts(project);
  const env = readEnvironment(send.env);
  // The same rule sendIssue uses, so waves of a trial run to the outbox never count as sent over SMTP.
  const channel = deliveryChannel({
    config: project.config,
    issueId: project.issue.id,
    cwd: send.cwd,
    outbox: send.outbox,
    smtpUrl: env.smtpUrl,
  });
  const location = stateLocation(project.config, env, send.cwd, send.stateFile);
  // Said before the state file is created: a lost record would make every wave send again.
  if (location.kind === 'sqlite')
    warnIfStateLost(location.file, outboxFolders(project, send), project.issue.id, (line) => send.log?.(line));
  // A dry run reads the suppressions when there is a state file, and never creates one.
  const localDir = project.config.stateDirAbs;
  const state: StateStore | undefined = options.dryRun
    ? await openStateToRehearse(location, { localDir })
    : await openState(location, { growthLimitPages: env.stateGrowthLimitPages, localDir });
  const ledger = state && !options.dryRun ? state.ledger(project.issue.id, channel, send.now) : undefined;
  let lock: StateLock | undefined;
  let started = false;
  let interrupted = false;
  let sendStopped = false;
  let undelivered = 0;
  let resendSince: string | undefined;
  try {
    if (state && !options.dryRun) {
      lock = await state.lock(project.issue.id, { now: send.now, breakLock: send.breakLock });
      const holder = lock.tookOverFrom;
      if (holder) send.log?.(`--break-lock: took over the send lock of pid ${holder.pid} on ${holder.host}`);
      if (lock.leftBy) send.log?.(leftLockNote(project.issue.id, lock.leftBy));
      // Journaled unsubscribes count before the waves are planned (each wave applies later ones).
      await state.applyPending(send.now ?? (() => new Date()));
    }
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
        cwd: send.cwd,
        ...(send.log ? { log: send.log } : {}),
        ...(send.signal ? { signal: send.signal } : {}),
      },
      {
        state,
        ...(send.now ? { now: send.now } : {}),
        ...(state && !options.dryRun
          ? { sleep: watchedWait(options.sleep ?? realSleep, state, options.sleep === undefined) }
          : options.sleep
            ? { sleep: options.sleep }
            : {}),
        resendSince: () => resendSince,
        onStart: async (waves) => {
          // A --resend resumes an unfinished one, so its readers are not sent it twice.
          if (send.resend && ledger)
            resendSince = (await resendGeneration(ledger, true, send.now?.() ?? new Date())).since;
          await ledger?.startRun(
            waves.reduce((sum, wave) => sum + wave.count, 0),
            resendSince,
          );
          started = true;
        },
        sendTo: async (subscribers): Promise<WaveResult> => {
          const onlyEmails = new Set(subscribers.map((s) => s.email));
          const report = await sendIssue({ ...send, onlyEmails, partOfRun: true, dryRun: false, resendSince });
          options.printReport(report);
          const left = report.total.failed + report.total.deferred + report.total.pending;
          undelivered += left;
          const open = left - report.total.failed;
          if (report.interrupted) {
            interrupted = true;
            const stop = new RolecastError('E_INTERRUPTED', 'the scheduled send was interrupted', {
              hint: 'run the same command again to resume: waves and messages already sent are not sent again',
            });
            return { complete: false, detail: `interrupted, ${open} message(s) not delivered yet`, stop };
          }
          if (report.halted) {
            const stop = new RolecastError('E_STATE_WRITE', report.halted.reason, {
              exitCode: EXIT.sendFailed,
              hint: 'free space on its disk (or fix the write error) and run the same command again: messages recorded as sent are not sent again',
            });
            return { complete: false, detail: `stopped, ${open} message(s) not delivered yet`, stop };
          }
          // The server unreachable, every message throttled, or the list unreadable past its
          // patience: a plain send stops there, and a later wave would start the same way, hours
          // apart and unwatched; the run ends here, the wave left open.
          if (report.stopped !== undefined) {
            sendStopped = true;
            const { message, hint } = stoppedWave(report.stopped);
            const stop = new RolecastError('E_SEND_FAILED', message, { hint });
            return { complete: false, detail: `stopped, ${open} message(s) not delivered yet`, stop };
          }
          if (report.aborted !== undefined) {
            const { message, hint } = abortedRun(report.aborted, smtpUrlHasLogin(options.send.env?.SMTP_URL));
            const stop = new RolecastError('E_SEND_FAILED', message, { hint });
            return { complete: false, detail: `aborted, ${open} message(s) not delivered yet`, stop };
          }
          // Deferred or unattempted messages keep the wave open, so running the command again retries them.
          if (open > 0) return { complete: false, detail: `${open} message(s) not delivered yet` };
          return { complete: true };
        },
      },
    );
    if (!result.report) return EXIT.ok;
    const incomplete = result.report.missed > 0 || undelivered > 0;
    // Waves of some segments leave the rest of the list what a resend still owes them.
    await ledger?.finishRun(incomplete ? 'failed' : 'complete', coversPartOfList(send));
    return incomplete ? EXIT.sendFailed : EXIT.ok;
  } catch (error) {
    const wasInterrupted = interrupted || (error instanceof RolecastError && error.code === 'E_INTERRUPTED');
    const aborted = error instanceof RolecastError && error.code === 'E_SEND_FAILED' && !sendStopped;
    try {
      if (started) await ledger?.finishRun(wasInterrupted ? 'interrupted' : aborted ? 'aborted' : 'failed');
    } catch {
      // The same full disk, most likely: the error that stopped the run is the one to report.
    }
    if (wasInterrupted) {
      options.stdout.write('interrupted — run the same command to resume\n');
      return EXIT.interrupted;
    }
    throw state ? state.explain(error) : error;
  } finally {
    // Neither may hide the outcome: a lock left behind is stale once this process has exited.
    try {
      await lock?.release();
    } catch {}
    try {
      await state?.close();
    } catch {}
  }
}

/**
 * The latest instant a wave of `at` can go out: the wall time read in the zone furthest behind UTC
 * (UTC−12), or the instant itself when `at` names an offset; never before `now`.
 */
export function latestWaveTime(at: string, now: Date): Date {
  const latest = DateTime.fromISO(at, { zone: 'Etc/GMT+12' });
  return latest.isValid && latest.toMillis() > now.getTime() ? latest.toJSDate() : now;
}
