import { Writable } from 'node:stream';
import { sendIssue } from '../send/index.js';

/**
 * Child process for the scaling rows: one dry run, outbox send or SMTP send, so its peak RSS is its
 * own. With a time budget (ms, the sixth argument) a send is interrupted that long after its first
 * progress line: the whole plan of a large list is made and held, and the send loop has run long
 * enough to show its steady memory, without writing a file per reader. An SMTP send goes to the
 * URL in the seventh argument (the bench's loopback sink), with no rate limit.
 * Prints JSON: wall time, readers planned and sent, peak RSS.
 */
const [mode, issueDir, subscribersFile, cwd, outbox, budget, smtpUrl] = process.argv.slice(2) as [
  'dry-run' | 'outbox' | 'smtp',
  string,
  string,
  string,
  string,
  string | undefined,
  string | undefined,
];
const sends = mode !== 'dry-run';
const started = performance.now();
const stop = new AbortController();
const budgetMs = Number(budget ?? 0);
let sending: number | undefined;
// Peak RSS before the first message: the part of the peak that planning and rendering set.
let maxRssBeforeSendingKb: number | undefined;
// The first progress line comes once messages are going out (a plain line at most every two
// seconds, so up to two seconds after the first): it marks the start of sending and of the budget.
const progress = new Writable({
  write(_chunk, _encoding, done) {
    if (sending === undefined) {
      sending = performance.now();
      maxRssBeforeSendingKb = process.resourceUsage().maxRSS;
      if (budgetMs > 0) setTimeout(() => stop.abort(), budgetMs).unref();
    }
    done();
  },
});
const report = await sendIssue({
  issueDir,
  subscribersFile,
  cwd,
  env: {
    ROLECAST_SECRET: 'bench-signing-secret-0123456789abcdef',
    ...(mode === 'smtp' && smtpUrl ? { SMTP_URL: smtpUrl } : {}),
  },
  dryRun: mode === 'dry-run',
  outbox: mode === 'outbox' ? outbox : undefined,
  stateFile: sends ? `${outbox}.state.db` : undefined,
  progress: sends ? { stream: progress, isTTY: false } : undefined,
  ...(mode === 'smtp' ? { ratePerSecond: 0 } : {}),
  signal: stop.signal,
});
process.stdout.write(
  `${JSON.stringify({
    ms: Math.round(performance.now() - started),
    planned: report.total.planned,
    sent: report.total.sent,
    firstMessageMs: sending === undefined ? undefined : Math.round(sending - started),
    stopped: stop.signal.aborted,
    variants: report.variants.length,
    maxRssKb: process.resourceUsage().maxRSS,
    maxRssBeforeSendingKb,
  })}\n`,
);
