import { canonicalAddress } from '../address.js';
import { formatProblem, RolecastError } from '../errors.js';
import type { Project } from '../load/project.js';
import type { Subscriber } from '../model/subscriber.js';
import { printableLines } from '../printable.js';
import type { Channel } from '../send/channel.js';
import { audienceWarnings, issueRoles, normaliseSegments, planRecipients } from '../send/plan.js';
import type { StateStore } from '../state/contract.js';
import { formatPlan, planWaves, type Wave } from './plan.js';
import { sleep as realSleep, runSchedule, type ScheduleEvent, type ScheduleReport, type WaveResult } from './runner.js';

/**
 * `rolecast send … --at TIME [--local] [--send-missed] [--dry-run]`: prints the plan, then waits
 * for each wave and hands its subscribers to `sendTo` (the ordinary send, restricted to them). The
 * send ledger still guards each address, so a wave re-run after a crash sends nobody twice.
 */

export interface ScheduledSendOptions {
  project: Project;
  /** Ledger channel the waves belong to (`smtp` or `outbox`), so a trial run never marks real waves sent. */
  channel: Channel;
  at: string;
  local: boolean;
  /** `--segment` values as given; the plan counts only these readers, as the send does. */
  segments?: readonly string[];
  sendMissed?: boolean;
  dryRun?: boolean;
  stdout: NodeJS.WritableStream;
  /** Warnings for the person running the command (stderr), e.g. summaries that reach nobody. */
  log?: (line: string) => void;
  /** For paths in warnings. */
  cwd?: string;
  signal?: AbortSignal;
}

export interface ScheduledSendDeps {
  /** The state; may be missing for a dry run, which reads suppressions from it and writes nothing. */
  state: StateStore | undefined;
  /** Sends the issue to exactly these subscribers (the ordinary `sendIssue`). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a sender with nothing to report returns nothing
  sendTo: (subscribers: Subscriber[], wave: Wave) => Promise<void | WaveResult>;
  /** Called once the plan is final, before the first wait: the caller records the run it starts. */
  onStart?: (waves: readonly Wave[]) => Promise<void> | void;
  /**
   * With `--resend`, the start of the resend this run makes or resumes (known after `onStart`): a
   * wave already sent is owed again to every reader it holds whom this resend has not reached.
   */
  resendSince?: () => string | undefined;
  now?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ScheduledSendResult {
  waves: Wave[];
  /** Undefined for a dry run. */
  report: ScheduleReport | undefined;
}

export async function scheduledSend(
  options: ScheduledSendOptions,
  deps: ScheduledSendDeps,
): Promise<ScheduledSendResult> {
  const { project, stdout } = options;
  const subscribers = project.subscribers;
  if (!subscribers) {
    throw new RolecastError(
      'E_USAGE',
      'a scheduled send needs subscribers: no --subscribers FILE and no readers in the subscriber store',
      {
        hint: 'pass --subscribers FILE, or add readers with `rolecast subscribers import FILE`',
      },
    );
  }
  const config = project.config;
  const isSuppressed = deps.state ? (await deps.state.suppressions.index()).isSuppressed : () => false;
  const audience = planRecipients(project, subscribers, {
    segments: normaliseSegments(project.taxonomy, options.segments ?? [], issueRoles(project.issue.summaries)),
    isSuppressed,
  });
  // Judged on the whole list, once for the plan; the waves themselves stay quiet about it.
  const everyone = options.segments?.length
    ? planRecipients(project, subscribers, { segments: [], isSuppressed })
    : audience;
  for (const problem of audienceWarnings(project, everyone, { cwd: options.cwd }))
    options.log?.(formatProblem(problem));
  const waves = planWaves({
    recipients: audience.recipients.map(({ subscriber }) => ({
      email: subscriber.email,
      timezone: subscriber.timezone,
    })),
    at: options.at,
    local: options.local,
    defaultZone: config.timezone,
  });
  write(stdout, `Schedule for ${project.issue.id}, ${options.local ? 'local time' : 'one instant'} ${options.at}`);
  write(stdout, formatPlan(waves));
  if (options.dryRun) {
    // Say now what a real run would do with waves whose time has already passed.
    const nowMs = (deps.now ?? (() => new Date()))().getTime();
    const graceMs = config.send.graceHours * 3_600_000;
    for (const wave of waves) {
      const lateMs = nowMs - wave.utcMs;
      if (lateMs <= 0) continue;
      const late = `${(lateMs / 3_600_000).toFixed(1)} h ago`;
      if (lateMs <= graceMs)
        write(stdout, `  ${wave.utc}: due ${late}, within the grace window — would be sent at once`);
      else if (options.sendMissed) write(stdout, `  ${wave.utc}: due ${late} — would be sent at once (--send-missed)`);
      else
        write(
          stdout,
          `  ${wave.utc}: due ${late}, past the ${config.send.graceHours} h grace window — would be reported missed and not sent`,
        );
    }
    return { waves, report: undefined };
  }
  if (!deps.state) throw new Error('a scheduled send needs the state database');
  await deps.onStart?.(waves);

  const byEmail = new Map(subscribers.map((s) => [canonicalAddress(s.email), s]));
  const now = deps.now ?? (() => new Date());
  const state = deps.state;
  // A wave earlier runs finished is done only for the readers it had then; the ledger is read
  // only when some wave was, and let go once they are known.
  const resendSince = deps.resendSince?.();
  const unsent = async (sent: readonly Wave[]) => {
    const ledger = state.ledger(project.issue.id, options.channel, now);
    let owed: (email: string) => boolean;
    if (resendSince) {
      const reached = await ledger.sentSince(resendSince);
      owed = (email) => !reached.has(canonicalAddress(email));
    } else {
      const recorded = await ledger.recorded();
      owed = (email) => {
        const status = recorded.get(canonicalAddress(email));
        return status === undefined || status === 'deferred';
      };
    }
    return new Map(sent.map((wave) => [wave.utc, wave.emails.filter(owed)]));
  };
  const report = await runSchedule({
    waves,
    store: deps.state.waves(project.issue.id, options.channel, now),
    now,
    sleep: deps.sleep ?? realSleep,
    graceMs: config.send.graceHours * 3_600_000,
    sendMissed: options.sendMissed ?? false,
    unsent,
    ...(options.signal ? { signal: options.signal } : {}),
    sendWave: (wave, only) =>
      deps.sendTo(
        (only ?? wave.emails).map((email) => byEmail.get(canonicalAddress(email))!),
        wave,
      ),
    onEvent: (event) => write(stdout, describe(event, resendSince !== undefined)),
  });
  if (report.missed > 0) {
    write(
      stdout,
      `${report.missed} wave(s) missed by more than ${config.send.graceHours} h and not sent; run again with --send-missed to send them now`,
    );
  }
  return { waves, report };
}

function describe(event: ScheduleEvent, resend: boolean): string {
  const when = event.wave.utc.replace(/(:00)?\.000Z$/, 'Z');
  const who = `${event.wave.count} recipient(s)`;
  switch (event.type) {
    case 'waiting':
      return `waiting ${formatDuration(event.waitMs)} for the wave at ${when} (${who})`;
    case 'sending': {
      const late = event.lateMs > 60_000 ? `, ${formatDuration(event.lateMs)} late` : '';
      if (event.joined && resend)
        return `sending the wave at ${when} again (--resend) to ${event.joined} reader(s)${late}`;
      if (event.joined)
        return `sending the wave at ${when} again for ${event.joined} reader(s) who joined it after it was sent${late}`;
      const verb = event.resumed ? 'resuming the wave already started' : 'sending the wave';
      return `${verb} at ${when} (${who})${late}`;
    }
    case 'sent':
      return `✓ wave at ${when} done`;
    case 'incomplete':
      return `! wave at ${when} done, but ${event.detail}; run the same command again to retry them`;
    case 'already-sent':
      return `✓ wave at ${when} was already sent`;
    case 'missed':
      return `✗ wave at ${when} missed by ${formatDuration(event.lateMs)}: not sent (${who})`;
  }
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return `${Math.max(0, Math.round(ms / 1000))} s`;
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

function write(stream: NodeJS.WritableStream, line: string): void {
  // Zones and readers come from subscriber files: control characters are shown, not obeyed.
  stream.write(`${printableLines(line)}\n`);
}
