import { readFile, writeFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/**
 * Workers started with copies of the subscribers file that differ only in what a message says to
 * its reader (a name corrected on one host) share a plan no more than copies that differ in roles:
 * a reader is greeted as the first worker's file says, never by another host's older copy.
 */
describePostgres('send workers: subscribers files that differ in a reader’s details', () => {
  const db = useWorkerDatabase('subscriber_details');
  const opened = perTest<{ smtp: TestSmtpServer; first: SendFixture; second: SendFixture }>([
    'smtp',
    'first',
    'second',
  ]);

  const worker = (f: SendFixture, smtp: TestSmtpServer, log: (line: string) => void = () => {}) =>
    sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '6' },
      ratePerSecond: 0,
      log,
    });

  /** How the second worker ends up: refused (its message), or joined the plan (it would then wait on the held server). */
  const outcomeOf = (f: SendFixture, smtp: TestSmtpServer) =>
    new Promise<string>((resolve) => {
      worker(f, smtp, (line) => {
        if (line.includes('joined the plan')) resolve('joined the plan');
      }).then(
        () => resolve('sent'),
        (error: unknown) => resolve(error instanceof Error ? error.message : String(error)),
      );
    });

  it.each([
    ['name', { name: 'Ann Other' }],
    ['first name', { firstName: 'Annie' }],
    ['time zone', { timezone: 'Pacific/Auckland' }],
  ])('a worker whose file gives a reader another %s is refused while the first one sends', async (_, change) => {
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const smtp = await startSmtpServer({ faults: { holdData: hold } });
    await db.pool.query('DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM deliveries; DELETE FROM runs');
    opened.smtp = smtp;
    opened.first = await sendFixture(12);
    opened.second = await sendFixture(12);
    const file = opened.second.subscribersFile;
    const list = JSON.parse(await readFile(file, 'utf8')) as { subscribers: Record<string, unknown>[] };
    list.subscribers = list.subscribers.map((entry) => ({ ...entry, ...change }));
    await writeFile(file, JSON.stringify(list));

    const running = worker(opened.first, smtp);
    await expect.poll(() => smtp.counts.data, { timeout: 30_000 }).toBeGreaterThan(0);
    try {
      expect(await outcomeOf(opened.second, smtp)).toMatch(/is sending 2026-W48 with a different plan/);
    } finally {
      release();
    }
    const report = await running;
    expect(report.total.sent).toBeGreaterThan(0);
    const texts = (await smtp.messages()).map((m) => m.parsed.text ?? '');
    expect(texts.filter((text) => /Ann Other|Annie/.test(text))).toEqual([]);
  });
});
