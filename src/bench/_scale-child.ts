import { Writable } from 'node:stream';
import { sendIssue } from '../send/index.js';

/**
 * Child process for the scaling rows: one dry run or outbox send, so its peak RSS is its own.
 * With a time budget (ms, the sixth argument) an outbox send is interrupted that long after its
 * first progress line: the whole plan of a large list is made and held, and the send loop has
 * run long enough to show its steady memory, without writing a file per reader.
 * Prints JSON: wall time, readers planned and sent, peak RSS.
 */
const [mode, issueDir, subscribersFile, cwd, outbox, budget] = process.argv.slice(2) as [
  'dry-run' | 'outbox',
  string,
  string,
  string,
  string,
  string | undefined,
];
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
  env: { ROLECAST_SECRET: 'bench-signing-secret-0123456789abcdef' },
  dryRun: mode === 'dry-run',
  outbox: mode === 'outbox' ? outbox : undefined,
  stateFile: mode === 'outbox' ? `${outbox}.state.db` : undefined,
  progress: mode === 'outbox' ? { stream: progress, isTTY: false } : undefined,
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
