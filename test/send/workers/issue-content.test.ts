import { readFile, writeFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/**
 * Workers started on hosts whose copies of the issue differ (one host still has the draft) share a
 * plan only when they would send the same messages: a reader gets the issue the first worker
 * planned, never the other host's version of it.
 */
describePostgres('send workers: hosts with different copies of the issue', () => {
  const db = useWorkerDatabase('issue_content');
  const opened = perTest<{ smtp: TestSmtpServer; first: SendFixture; second: SendFixture }>([
    'smtp',
    'first',
    'second',
  ]);

  const worker = (f: SendFixture, smtp: TestSmtpServer, lines: string[] = [], secret?: string) =>
    sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: {
        ...sendEnv(smtp.url()),
        ...(secret ? { ROLECAST_SECRET: secret } : {}),
        DATABASE_URL: db.url(),
        ROLECAST_TEST_WORKER_BATCH: '6',
      },
      ratePerSecond: 0,
      log: (line) => lines.push(line),
    });

  const twoCopies = async (smtp: TestSmtpServer) => {
    await db.pool.query('DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM deliveries; DELETE FROM runs');
    opened.smtp = smtp;
    opened.first = await sendFixture(40);
    opened.second = await sendFixture(40);
    return { first: opened.first, second: opened.second };
  };

  it('a worker whose issue says something else is refused while the first one sends; every reader gets one version', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const smtp = await startSmtpServer({ faults: { holdData: hold } });
    const { first, second } = await twoCopies(smtp);
    const issueFile = second.temp.path('issues/2026-W48/issue.json');
    const draft = JSON.parse(await readFile(issueFile, 'utf8')) as Record<string, unknown>;
    await writeFile(issueFile, JSON.stringify({ ...draft, subject: 'DRAFT, do not send' }));

    const running = worker(first, smtp);
    await expect.poll(() => smtp.counts.data, { timeout: 30_000 }).toBeGreaterThan(0);
    try {
      await expect(worker(second, smtp)).rejects.toThrow(/is sending 2026-W48 with a different plan/);
    } finally {
      release();
    }
    const report = await running;
    const subjects = new Set((await smtp.messages()).map((m) => m.parsed.subject ?? ''));
    expect(report.total.sent).toBeGreaterThan(0);
    expect([...subjects].filter((s) => s.includes('DRAFT'))).toEqual([]);
  });

  it('workers with the same issue in different folders still share one plan', async () => {
    const smtp = await startSmtpServer({ faults: { dataDelayMs: 5 } });
    const { first, second } = await twoCopies(smtp);
    const lines: string[] = [];
    const reports = await Promise.all([worker(first, smtp, lines), worker(second, smtp, lines)]);
    expect(lines.filter((line) => line.includes('joined the plan'))).toHaveLength(1);
    const mailed = (await smtp.messages()).map((m) => m.envelope.to.join());
    expect(new Set(mailed).size).toBe(mailed.length);
    expect(reports[0]!.total.sent + reports[1]!.total.sent).toBe(mailed.length);
  });

  it('with click tracking on, a worker with another ROLECAST_SECRET is told it is the key, not the messages', async () => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const smtp = await startSmtpServer({ faults: { holdData: hold } });
    const { first, second } = await twoCopies(smtp);
    for (const copy of [first, second]) {
      const file = copy.temp.path('rolecast.config.json');
      const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      await writeFile(file, JSON.stringify({ ...config, tracking: { clicks: true } }));
    }
    const running = worker(first, smtp, [], 'secret-A-0123456789abcdef0123456789');
    await expect.poll(() => smtp.counts.data, { timeout: 30_000 }).toBeGreaterThan(0);
    try {
      // Tracked links are signed with the key: the messages read the same once their links are read.
      await expect(worker(second, smtp, [], 'secret-B-0123456789abcdef0123456789')).rejects.toThrow(
        /another ROLECAST_SECRET/,
      );
    } finally {
      release();
      await running.catch(() => undefined);
    }
  });
});
