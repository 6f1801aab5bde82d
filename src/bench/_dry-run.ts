import { sendIssue } from '../send/index.js';

/** Child process for the benchmark: a dry run of `argv` whose peak RSS is its own. Prints JSON. */
const [issueDir, subscribersFile, cwd] = process.argv.slice(2) as [string, string, string];
const started = performance.now();
const report = await sendIssue({ issueDir, subscribersFile, cwd, env: {}, dryRun: true });
process.stdout.write(
  `${JSON.stringify({
    ms: Math.round(performance.now() - started),
    planned: report.total.planned,
    variants: report.variants.length,
    maxRssKb: process.resourceUsage().maxRSS,
  })}\n`,
);
