import { openStateDb, sendIssue } from '../send/index.js';

/**
 * Child process for the send bench: one end-to-end send in a process of its own, after a short
 * warm-up send of the same issue, so its template code is compiled and its shared pieces encoded,
 * as for a sender that already sent or previewed the issue. Run in the bench's own process, each
 * round inherited the heap of the rounds and baselines before it, and V8 then ran old-space
 * marking nearly without pause, which no single `rolecast send` does. Prints JSON.
 */
const [issueDir, warmupFile, subscribersFile, cwd, stateDir, smtpUrl, secret, concurrency] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const env = { SMTP_URL: smtpUrl, ROLECAST_SECRET: secret };
const common = { issueDir, cwd, env, concurrency: Number(concurrency), ratePerSecond: 0 };
await sendIssue({ ...common, subscribersFile: warmupFile, stateFile: `${stateDir}/warmup.db` });

const stateFile = `${stateDir}/measured.db`;
const started = performance.now();
const cpuStart = process.cpuUsage();
const report = await sendIssue({ ...common, subscribersFile, stateFile });
const wall = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
const sent = report.total.sent;
process.stdout.write(
  `${JSON.stringify({
    rate: sent / wall,
    cpu: (cpu.user + cpu.system) / Math.max(1, sent),
    delivery: deliveryRate(stateFile),
    failed: report.total.failed + report.total.deferred,
  })}\n`,
);

/** Messages per second between the first and the last accepted message: the send loop alone. */
function deliveryRate(file: string): number {
  const db = openStateDb(file);
  const row = db
    .prepare(
      "SELECT MIN(updated_at) AS first, MAX(updated_at) AS last, COUNT(*) AS n FROM deliveries WHERE status = 'sent'",
    )
    .get() as { first: string; last: string; n: number };
  db.close();
  const seconds = (Date.parse(row.last) - Date.parse(row.first)) / 1000;
  return seconds > 0 ? (row.n - 1) / seconds : 0;
}
