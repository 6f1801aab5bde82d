import { sendIssue } from '../send/index.js';

/**
 * Child process for the scaling rows: one dry run or outbox send, so its peak RSS is its own.
 * Prints JSON: wall time, readers planned and sent, peak RSS.
 */
const [mode, issueDir, subscribersFile, cwd, outbox] = process.argv.slice(2) as [
  'dry-run' | 'outbox',
  string,
  string,
  string,
  string,
];
const started = performance.now();
const report = await sendIssue({
  issueDir,
  subscribersFile,
  cwd,
  env: { ROLECAST_SECRET: 'bench-signing-secret-0123456789abcdef' },
  dryRun: mode === 'dry-run',
  outbox: mode === 'outbox' ? outbox : undefined,
  stateFile: mode === 'outbox' ? `${outbox}.state.db` : undefined,
});
process.stdout.write(
  `${JSON.stringify({
    ms: Math.round(performance.now() - started),
    planned: report.total.planned,
    sent: report.total.sent,
    variants: report.variants.length,
    maxRssKb: process.resourceUsage().maxRSS,
  })}\n`,
);
