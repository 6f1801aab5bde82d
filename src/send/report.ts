import { append } from '../append.js';
import { printable } from '../printable.js';
import { LOOK_FAILED_STOP, MESSAGES_REFUSED, THROTTLED_OUT, TLS_NOT_STARTED } from './retry.js';
import type { JobOutcome, SendJob, Unjudged } from './run-types.js';

/**
 * The send report: counts in total, per segment (each role a subscriber holds) and per audience
 * variant, plus every failure with the server's reply. Built incrementally as outcomes arrive.
 */

export type SendMode = 'smtp' | 'outbox' | 'dry-run' | 'test';

export interface Skipped {
  unsubscribed: number;
  suppressed: number;
  /** On the suppression list for a hard bounce (or soft bounces in a row). */
  bounced: number;
  /** On the suppression list for a spam complaint. */
  complained: number;
  noContent: number;
  alreadySent: number;
  /** Refused permanently by an earlier run; retried only with --retry-failed. */
  previouslyFailed: number;
}

export interface Tally {
  /** Messages this run set out to deliver (or would, in a dry run). */
  planned: number;
  sent: number;
  failed: number;
  /** Temporary failures whose retries ran out, or cut short by an interrupt: the next run retries them. */
  deferred: number;
  /** Planned but not attempted (interrupted), or everything planned in a dry run. */
  pending: number;
  skipped: Skipped;
}

export interface FailureLine {
  email: string;
  variantId: string;
  status: 'failed' | 'deferred';
  responseCode: number | null;
  response: string;
  attempts: number;
}

export interface SendReport {
  issueId: string;
  mode: SendMode;
  /** Outbox folder or SMTP URL with the password masked. */
  destination: string | undefined;
  interrupted: boolean;
  /** Why the run stopped early on its own (the server could not be reached); the rest is pending. */
  stopped?: string | undefined;
  /** Why the run was aborted: the server refused the sender or the account. Nothing was marked failed for it. */
  aborted?: string | undefined;
  /** Why sending stopped at once: a local write failed (the state file on a full disk, an outbox file). */
  halted?: Halted | undefined;
  /** Readers the server greylisted ("try again later" to a first try), tried again after the greylisting delay. */
  greylisted?: number | undefined;
  /** Readers refused alike before the server took any message of the issue: deferred, not failed (see Unjudged). */
  unjudged?: Unjudged | undefined;
  elapsedMs: number;
  /** Accepted messages per second over the run. */
  ratePerSecond: number;
  total: Tally;
  segments: ({ segment: string } & Tally)[];
  variants: ({ variantId: string; roles: string[]; summaries: number } & Tally)[];
  failures: FailureLine[];
  /** Where the readers came from: the subscriber store, or a file with readers' own changes from the store. */
  readers?: ReportReaders | undefined;
}

export interface ReportReaders {
  source: 'file' | 'store';
  /** File entries whose reader's own later changes in the store won. */
  overrides: number;
  /** Readers who paused, left out of this send. */
  paused: number;
  /** File entries mailed at the address their reader moved to on the preferences page. */
  moved?: number | undefined;
}

export interface Halted {
  /** The write error, for people: which file, and what the system said. */
  reason: string;
  /** Messages the server accepted (or the outbox holds) whose ledger row could not be written. */
  unrecorded: { email: string; variantId: string; messageId: string }[];
  /** Where those were also written, one JSON object a line, when that file could be written. */
  unrecordedFile?: string | undefined;
}

export type SkipKind = keyof Skipped;

/** What to do when a run was aborted because the server refuses the sender or the account. */
export const ACCOUNT_REFUSED_HINT =
  'check the sending account with your mail provider (suspended or over quota, sender address not verified, wrong credentials); nothing was marked failed, so run the same command again once it is fixed';
/** The same, when the server said it wants a login first (530, RFC 4954): no account can be checked without one. */
export const LOGIN_REQUIRED_HINT =
  'the server asks for a login before it takes mail: put the user name and password in SMTP_URL (smtp://user:password@host:587, special characters percent-encoded); nothing was marked failed, so run the same command again once it is set';

/** A 530 although SMTP_URL has a login: the server offered no AUTH on this port, so it was never sent. */
export const LOGIN_NOT_OFFERED_HINT =
  'the server asks for a login but offers none on this connection, so the user name and password in SMTP_URL were not used: send through its submission port (smtp://user:password@host:587, or smtps://…:465), where it offers one; nothing was marked failed, so run the same command again once it is set';

/** What to do when a run was aborted with `reason`, the server's refusal; `hasLogin`: SMTP_URL carries a user name. */
export function accountRefusedHint(reason: string, hasLogin = false): string {
  if (!/^530\b/.test(reason)) return ACCOUNT_REFUSED_HINT;
  return hasLogin ? LOGIN_NOT_OFFERED_HINT : LOGIN_REQUIRED_HINT;
}

/** What stopped an aborted run, and what to do, for `send` and the waves of a scheduled send alike. */
export function abortedRun(reason: string, hasLogin: boolean): { message: string; hint: string } {
  if (reason.startsWith(MESSAGES_REFUSED))
    return {
      message: `the SMTP server refuses the messages themselves and accepted none: ${reason.slice(MESSAGES_REFUSED.length)}`,
      hint: "its reply says what it objects to in this issue's messages (content, links, attachments, size): change the issue, then run the same command with --retry-failed; the readers it refused are marked failed, the rest were not sent",
    };
  if (reason.startsWith(TLS_NOT_STARTED))
    return {
      // Said of a server that refused STARTTLS it offered too: nothing goes in clear after that either.
      message: `the SMTP server did not start TLS on a new connection (${reason.slice(TLS_NOT_STARTED.length)}): nothing was sent over that connection, since nothing goes in clear where TLS is required (send.requireTls, or a password for a server elsewhere) nor to a server that offers STARTTLS`,
      hint: 'the server refused STARTTLS or stopped offering it, or something between this host and it (a firewall or proxy) removed the offer: ask its administrator; nothing was marked failed, so run the same command again once TLS works',
    };
  return {
    message: `the SMTP server refuses this sender or account: ${reason}`,
    hint: accountRefusedHint(reason, hasLogin),
  };
}

/** Whether SMTP_URL names a user (the part before @ in its authority); never its value. */
export function smtpUrlHasLogin(url: string | undefined): boolean {
  return /^smtps?:\/\/[^/?#]*@/i.test(url ?? '');
}
/** What to do after a run stopped because a local write failed. */
export function haltedHint(halted: Halted): string {
  // SQLite's words when another connection kept the file locked past the wait (a backup, an open
  // sqlite3 shell): nothing is wrong with the disk.
  const base = /database is locked|SQLITE_BUSY|database table is locked/i.test(halted.reason)
    ? 'another program kept the state file locked longer than rolecast waits (a backup, an open sqlite3 shell); once it lets go, run the same command again'
    : / was (deleted|replaced by another file) while the send ran/.test(halted.reason)
      ? 'keep the state folder out of clean-ups; when the file was replaced, put the one named above in its place; then run the same command again'
      : 'free space on that disk (or fix the write error) and run the same command again';
  if (halted.unrecorded.length === 0) return `${base}: messages recorded as sent are not sent again`;
  if (halted.unrecordedFile)
    return `${base}: it first records the messages listed as not recorded (from ${halted.unrecordedFile}), so none is sent twice`;
  return `${base}; the list of messages not recorded could not be saved: write it into the state file's .unrecorded.jsonl (see the README, "A full disk") or those readers get a second copy`;
}
export const NO_ROLE_SEGMENT = '(no role)';

function emptyTally(): Tally {
  return {
    planned: 0,
    sent: 0,
    failed: 0,
    deferred: 0,
    pending: 0,
    skipped: {
      unsubscribed: 0,
      suppressed: 0,
      bounced: 0,
      complained: 0,
      noContent: 0,
      alreadySent: 0,
      previouslyFailed: 0,
    },
  };
}

export interface ReportBuilder {
  variant(variantId: string, roles: string[], summaries: number): void;
  /** `count` readers alike at once (a dry run counts a role set's readers, then reports them in one call). */
  skip(roles: readonly string[], variantId: string | undefined, kind: SkipKind, count?: number): void;
  plan(roles: readonly string[], variantId: string, count?: number): void;
  outcome(roles: readonly string[], variantId: string, status: 'sent' | 'failed' | 'deferred'): void;
  failure(line: FailureLine): void;
  finish(details: {
    interrupted: boolean;
    stopped?: string | undefined;
    aborted?: string | undefined;
    halted?: Halted | undefined;
    greylisted?: number | undefined;
    unjudged?: Unjudged | undefined;
    elapsedMs: number;
  }): SendReport;
  /** Live totals, for progress display. */
  readonly total: Readonly<Tally>;
}

/** A delivery's outcome in the report: counted under its roles, and a line of its own unless sent. */
export function reportOutcome(
  report: ReportBuilder,
  roles: readonly string[],
  job: SendJob,
  outcome: JobOutcome,
): void {
  report.outcome(roles, job.variantId, outcome.status);
  if (outcome.status === 'sent') return;
  report.failure({
    email: job.email,
    variantId: job.variantId,
    status: outcome.status,
    responseCode: outcome.failure.responseCode ?? null,
    response: outcome.failure.response,
    attempts: outcome.attempts,
  });
}

export function createReport(
  issueId: string,
  mode: SendMode,
  destination: string | undefined,
  readers?: ReportReaders | undefined,
): ReportBuilder {
  const total = emptyTally();
  const segments = new Map<string, Tally>();
  const variants = new Map<string, { roles: string[]; summaries: number; tally: Tally }>();
  const failures: FailureLine[] = [];

  const tallies = (roles: readonly string[], variantId: string | undefined): Tally[] => {
    const list = [total];
    for (const role of roles.length ? roles : [NO_ROLE_SEGMENT]) {
      let tally = segments.get(role);
      if (!tally) {
        tally = emptyTally();
        segments.set(role, tally);
      }
      list.push(tally);
    }
    const variant = variantId === undefined ? undefined : variants.get(variantId);
    if (variant) list.push(variant.tally);
    return list;
  };

  return {
    total,
    variant(variantId, roles, summaries) {
      if (!variants.has(variantId)) variants.set(variantId, { roles, summaries, tally: emptyTally() });
    },
    skip(roles, variantId, kind, count = 1) {
      for (const t of tallies(roles, variantId)) t.skipped[kind] += count;
    },
    plan(roles, variantId, count = 1) {
      for (const t of tallies(roles, variantId)) {
        t.planned += count;
        t.pending += count;
      }
    },
    outcome(roles, variantId, status) {
      for (const t of tallies(roles, variantId)) {
        t.pending--;
        t[status]++;
      }
    },
    failure(line) {
      failures.push(line);
    },
    finish({ interrupted, stopped, aborted, halted, greylisted, unjudged, elapsedMs }) {
      return {
        issueId,
        mode,
        destination,
        interrupted,
        ...(stopped === undefined ? {} : { stopped }),
        ...(aborted === undefined ? {} : { aborted }),
        ...(halted === undefined ? {} : { halted }),
        ...(greylisted ? { greylisted } : {}),
        ...(unjudged ? { unjudged } : {}),
        elapsedMs: Math.round(elapsedMs),
        ratePerSecond: elapsedMs > 0 ? Math.round((total.sent / elapsedMs) * 10_000) / 10 : 0,
        total,
        segments: [...segments].map(([segment, tally]) => ({ segment, ...tally })),
        variants: [...variants].map(([variantId, v]) => ({
          variantId,
          roles: v.roles,
          summaries: v.summaries,
          ...v.tally,
        })),
        failures,
        ...(readers ? { readers } : {}),
      };
    },
  };
}

/** Human-readable report: one table per breakdown, then each failure with the server's reply. */
export function formatReport(report: SendReport): string {
  const lines: string[] = [];
  const where = report.destination ? ` → ${printable(report.destination)}` : '';
  const issue = printable(report.issueId);
  const title = report.mode === 'dry-run' ? `dry run of ${issue} (nothing sent)` : `${issue}${where}`;
  lines.push(title, '');
  const header = [
    '',
    'planned',
    'sent',
    'failed',
    'deferred',
    'pending',
    'unsub',
    'suppr',
    'bounced',
    'complained',
    'no content',
    'already sent',
    'failed before',
  ];
  const row = (name: string, t: Tally) => [
    name,
    t.planned,
    t.sent,
    t.failed,
    t.deferred,
    t.pending,
    t.skipped.unsubscribed,
    t.skipped.suppressed,
    t.skipped.bounced,
    t.skipped.complained,
    t.skipped.noContent,
    t.skipped.alreadySent,
    t.skipped.previouslyFailed,
  ];
  const table = (label: string, rows: (string | number)[][]) => {
    const all = [[label, ...header.slice(1)], ...rows];
    const widths = header.map((_, i) => Math.max(...all.map((r) => String(r[i]).length)));
    for (const r of all)
      lines.push(
        r.map((cell, i) => (i === 0 ? String(cell).padEnd(widths[i]!) : String(cell).padStart(widths[i]!))).join('  '),
      );
    lines.push('');
  };
  table(
    'variant',
    report.variants.map((v) => row(printable(v.variantId), v)),
  );
  table(
    'segment',
    report.segments.map((s) => row(printable(s.segment), s)),
  );
  table('', [row('total', report.total)]);
  for (const f of report.failures) {
    lines.push(
      `${f.status === 'failed' ? '✗' : '…'} ${printable(f.email)}: ${printable(f.response)} (${f.attempts} attempt(s))`,
    );
  }
  if (report.stopped?.startsWith(LOOK_FAILED_STOP))
    lines.push(
      `stopped: ${printable(report.stopped.slice(LOOK_FAILED_STOP.length))}, and no message goes out without that look (a reader who left meanwhile would be mailed); ${report.total.pending} message(s) not attempted`,
    );
  else if (report.stopped !== undefined)
    lines.push(
      report.stopped.startsWith(THROTTLED_OUT)
        ? `stopped: the server throttled every message and took none (${printable(report.stopped.slice(THROTTLED_OUT.length))}); ${report.total.pending} message(s) not attempted`
        : `stopped: the server could not be reached (${printable(report.stopped)}); ${report.total.pending} message(s) not attempted`,
    );
  if (report.aborted?.startsWith(MESSAGES_REFUSED))
    lines.push(
      `aborted: the server refused the first messages themselves and accepted none (${printable(report.aborted.slice(MESSAGES_REFUSED.length))}); ${report.total.failed} reader(s) marked failed with its reply, ${report.total.deferred} message(s) deferred and ${report.total.pending} not attempted`,
    );
  else if (report.aborted?.startsWith(TLS_NOT_STARTED))
    lines.push(
      `aborted: the server did not start TLS (${printable(report.aborted.slice(TLS_NOT_STARTED.length))}); ${report.total.deferred} message(s) deferred and ${report.total.pending} not attempted, none marked failed for it`,
    );
  else if (report.aborted !== undefined)
    lines.push(
      `aborted: the server refuses this sender or account, not single readers (${printable(report.aborted)}); ${report.total.deferred} message(s) deferred and ${report.total.pending} not attempted, none marked failed for it`,
    );
  if (report.greylisted)
    lines.push(
      `greylisted: ${report.greylisted} reader(s) got "try again later" at their first try, and were tried again after the greylisting delay without slowing the others`,
    );
  if (report.halted) append(lines, haltedLines(report));
  if (report.readers) lines.push(readersLine(report.readers));
  if (report.mode === 'dry-run')
    lines.push(
      `would send ${report.total.planned} message(s) in ${report.variants.length} variant(s); nothing sent, no state written`,
    );
  if (report.mode !== 'dry-run' && report.ratePerSecond > 0)
    lines.push(`${report.total.sent} sent in ${(report.elapsedMs / 1000).toFixed(1)} s (${report.ratePerSecond}/s)`);
  return lines.join('\n').trimEnd();
}

function readersLine(readers: ReportReaders): string {
  const paused = `${readers.paused} paused reader(s) left out`;
  if (readers.source === 'store') return `readers: from the subscriber store; ${paused}`;
  const moved = readers.moved
    ? `; ${readers.moved} address(es) in the file moved to a new one their reader confirmed, and are mailed there (\`rolecast subscribers list\` names them)`
    : '';
  return `readers: ${readers.overrides} reader(s) set some of their own settings in the store, which won over the subscribers file; ${paused}${moved}`;
}

/** The stop on a failed local write, and every message that went out without its ledger row. */
function haltedLines(report: SendReport): string[] {
  const halted = report.halted!;
  const lines = [`stopped at once: ${halted.reason}; ${report.total.pending} message(s) not attempted`];
  if (halted.unrecorded.length === 0) return lines;
  const accepted = report.mode === 'outbox' ? 'written to the outbox' : 'accepted by the server';
  lines.push(`${halted.unrecorded.length} message(s) ${accepted}, not recorded — do not send these again:`);
  for (const u of halted.unrecorded) lines.push(`  ${u.email} ${u.messageId}`);
  if (halted.unrecordedFile) lines.push(`  (also listed in ${halted.unrecordedFile})`);
  return lines;
}
