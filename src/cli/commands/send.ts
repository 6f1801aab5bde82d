import { EXIT, RolecastError } from '../../errors.js';
import { displayPath } from '../../load/_display.js';
import type { SendOptions, SendReport } from '../../send/index.js';
import { abortedRun, haltedHint, smtpUrlHasLogin } from '../../send/report.js';
import { LOOK_FAILED_STOP, THROTTLED_OUT } from '../../send/retry.js';
import type { Unjudged } from '../../send/run-types.js';
import { CONFIG_OPTION, type Command, print } from '../_command.js';
import { flag, integerOption, requirePositional, stringOption, stringsOption } from '../_shared.js';

export const sendCommand: Command = {
  name: 'send',
  summary: 'Send an issue: one message per subscriber, only their sections (outbox folder without SMTP_URL)',
  usage:
    'rolecast send ISSUE_DIR [--subscribers FILE] [--segment ROLE]… [--dry-run] [--outbox DIR] [--test EMAIL [--as SUBSCRIBER]] [--concurrency N] [--rate N/s] [--state FILE] [--resend] [--retry-failed] [--break-lock] [--strict] [--json] [--at TIME [--local] [--send-missed]] [--config FILE]',
  options: {
    ...CONFIG_OPTION,
    subscribers: { type: 'string' },
    segment: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    outbox: { type: 'string' },
    test: { type: 'string' },
    as: { type: 'string' },
    concurrency: { type: 'string' },
    rate: { type: 'string' },
    state: { type: 'string' },
    resend: { type: 'boolean' },
    'retry-failed': { type: 'boolean' },
    'break-lock': { type: 'boolean' },
    json: { type: 'boolean' },
    at: { type: 'string' },
    local: { type: 'boolean' },
    'send-missed': { type: 'boolean' },
    strict: { type: 'boolean' },
  },
  async run(args, ctx) {
    // Loaded on use: sending brings nodemailer and MJML, which other commands must not wait for.
    const [{ runScheduledSendCommand }, { formatReport, sendIssue }] = await Promise.all([
      import('../../schedule/command.js'),
      import('../../send/index.js'),
    ]);
    const issueDir = requirePositional(args, 0, 'ISSUE_DIR', this.usage);
    // Without a file, the readers in the subscriber store (`rolecast subscribers`).
    const subscribersFile = stringOption(args, 'subscribers');
    const testTo = stringOption(args, 'test');
    const as = stringOption(args, 'as');
    if (as && !testTo) throw new RolecastError('E_USAGE', '--as needs --test EMAIL', { hint: `usage: ${this.usage}` });
    const concurrency = integerOption(args, 'concurrency');
    // The same bounds as send.concurrency in the config: each connection is a socket held open.
    if (concurrency !== undefined && (concurrency < 1 || concurrency > 50))
      throw new RolecastError('E_USAGE', `--concurrency must be between 1 and 50, got ${concurrency}`);
    const json = flag(args, 'json');
    const stderr = ctx.stderr as NodeJS.WritableStream & { isTTY?: boolean };
    let warnings = 0;

    const sendOptions: SendOptions = {
      issueDir,
      subscribersFile,
      configFile: stringOption(args, 'config'),
      cwd: ctx.cwd,
      env: ctx.env,
      segments: stringsOption(args, 'segment'),
      dryRun: flag(args, 'dry-run'),
      outbox: stringOption(args, 'outbox'),
      test: testTo ? { to: testTo, as } : undefined,
      concurrency,
      ratePerSecond: parseRate(stringOption(args, 'rate')),
      stateFile: stringOption(args, 'state'),
      resend: flag(args, 'resend'),
      retryFailed: flag(args, 'retry-failed'),
      breakLock: flag(args, 'break-lock'),
      strict: flag(args, 'strict'),
      signal: ctx.signal,
      progress: { stream: ctx.stderr, isTTY: Boolean(stderr.isTTY) },
      log: (line) => print(ctx.stderr, line),
      onWarning: () => {
        warnings++;
      },
    };

    // Scheduled sending (--at, --local, --send-missed) lives in src/schedule/command.ts.
    if (args.values.at !== undefined || flag(args, 'local') || flag(args, 'send-missed')) {
      return runScheduledSendCommand({
        send: sendOptions,
        at: stringOption(args, 'at') ?? '',
        local: flag(args, 'local'),
        sendMissed: flag(args, 'send-missed'),
        dryRun: flag(args, 'dry-run'),
        stdout: ctx.stdout,
        printReport: (r) =>
          print(ctx.stdout, json ? JSON.stringify(r, null, 2) : formatReport(withShortPaths(r, ctx.cwd))),
      });
    }

    const report = await sendIssue(sendOptions);

    if (json) print(ctx.stdout, JSON.stringify(report, null, 2));
    else print(ctx.stdout, formatReport(withShortPaths(report, ctx.cwd)));
    // Printed before a report of many lines: the last line says they are there to be read.
    if (warnings > 0 && !json)
      print(ctx.stderr, `${warnings} warning(s) above, printed before the report — --strict refuses to send with any`);
    return outcome(report, ctx.stderr, smtpUrlHasLogin(ctx.env.SMTP_URL));
  },
};

/** `--rate 20`, `--rate 20/s`; 0 means no limit. */
export function parseRate(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:\/\s*s)?\s*$/.exec(raw);
  if (!match) throw new RolecastError('E_USAGE', `--rate must be messages per second, e.g. 20/s, got "${raw}"`);
  const rate = Number(match[1]);
  // 0 means no limit; anything slower than one message an hour is a typo the pacing timers cannot hold.
  if (rate !== 0 && rate < 1 / 3600)
    throw new RolecastError('E_USAGE', `--rate ${raw} is slower than one message an hour`, {
      hint: 'give messages per second (e.g. 20/s), or 0 for no limit',
    });
  return rate;
}

function withShortPaths(report: SendReport, cwd: string): SendReport {
  if (report.mode !== 'outbox' || !report.destination) return report;
  return { ...report, destination: displayPath(report.destination, cwd) };
}

/** `hasLogin`: SMTP_URL names a user (only whether, never its value). */
function outcome(report: SendReport, stderr: NodeJS.WritableStream, hasLogin: boolean): number {
  if (report.halted) {
    // The write error is the message; the report above lists what went out without its record.
    print(stderr, `rolecast send: ${report.halted.reason}`);
    print(stderr, `  ${haltedHint(report.halted)}`);
    return EXIT.sendFailed;
  }
  if (report.interrupted) {
    print(stderr, 'interrupted — run the same command to resume');
    return EXIT.interrupted;
  }
  if (report.aborted !== undefined) {
    const { message, hint } = abortedRun(report.aborted, hasLogin);
    print(stderr, `rolecast send: aborted — ${message}`);
    print(stderr, `  ${hint}`);
    return EXIT.sendFailed;
  }
  const failed = report.total.failed + report.total.deferred;
  if (failed > 0) {
    print(stderr, `${failed} message(s) not delivered — see the failures above; "rolecast status" lists them again`);
    if (report.unjudged) print(stderr, unjudgedLine(report.unjudged));
    if (report.total.deferred > (report.unjudged?.readers ?? 0))
      print(stderr, 'temporary failures are retried when you run the same command again');
  }
  if (report.stopped?.startsWith(THROTTLED_OUT))
    print(
      stderr,
      'the SMTP server throttled every message for a long while (a sending quota reached?); run the same command later to send the remaining messages',
    );
  else if (report.stopped?.startsWith(LOOK_FAILED_STOP))
    print(
      stderr,
      'the suppression list could not be read (is the state database reachable?); run the same command again once it answers to send the remaining messages',
    );
  else if (report.stopped !== undefined)
    print(stderr, 'the SMTP server could not be reached; run the same command again to send the remaining messages');
  // A dry run plans everything and attempts nothing: its pending count is the plan, not a shortfall.
  const notAttempted = report.mode === 'dry-run' ? 0 : report.total.pending;
  if (failed + notAttempted > 0) return EXIT.sendFailed;
  return EXIT.ok;
}

/** Readers refused alike before any message of the issue was accepted: deferred, and what to do. */
export function unjudgedLine({ readers, response, unread }: Unjudged): string {
  if (unread !== undefined)
    return `${readers} of them were refused alike (${response}), and whether another send worker's message of this issue was accepted is not known, as the database could not be read (${unread}): they are deferred, not failed; run the same command again once the database answers`;
  return `${readers} of them were refused alike (${response}) and the server has taken no message of this issue yet, as it would refuse everyone: they are deferred, not failed; check the sending account with your mail provider (or send yourself one with --test EMAIL), then run the same command again, and once a message is accepted readers refused like this fail`;
}
