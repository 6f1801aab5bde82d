import { readFile, writeFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

/**
 * A worker refused as another plan is told what differs from the plan the running workers share:
 * its audience (another subscriber list) or its messages (another copy of the issue), not every
 * possible cause, so the person starting it knows which host's copy to fix.
 */
describePostgres('send workers: a worker refused as another plan', () => {
  const db = useWorkerDatabase('plan_refusal_difference');
  const opened = perTest<{ smtp: TestSmtpServer; first: SendFixture; second: SendFixture }>([
    'smtp',
    'first',
    'second',
  ]);

  const worker = (f: SendFixture, smtp: TestSmtpServer) =>
    sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '6' },
      ratePerSecond: 0,
      log: () => {},
    });

  /** The second worker's refusal while the first holds its first message. */
  const refusalOf = async (change: (second: SendFixture) => Promise<void>): Promise<string> => {
    await db.pool.query('DELETE FROM send_items; DELETE FROM send_plans; DELETE FROM deliveries; DELETE FROM runs');
    let release!: () => void;
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const smtp = await startSmtpServer({ faults: { holdData: hold } });
    opened.smtp = smtp;
    opened.first = await sendFixture(20);
    opened.second = await sendFixture(20);
    await change(opened.second);
    const running = worker(opened.first, smtp);
    await expect.poll(() => smtp.counts.data, { timeout: 30_000 }).toBeGreaterThan(0);
    let refusal = '';
    try {
      await worker(opened.second, smtp).then(
        () => {},
        (error: unknown) => {
          refusal = error instanceof Error ? error.message : String(error);
        },
      );
    } finally {
      release();
    }
    await running;
    return refusal;
  };

  it('names the messages when its copy of the issue says something else', async () => {
    const refusal = await refusalOf(async (second) => {
      const file = second.temp.path('issues/2026-W48/issue.json');
      const draft = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      await writeFile(file, JSON.stringify({ ...draft, subject: 'DRAFT, do not send' }));
    });
    expect(refusal).toMatch(/is sending 2026-W48 with a different plan/);
    expect(refusal).toMatch(/issue folder, templates, roles\.yaml or config render other messages than the plan's/);
    expect(refusal).not.toMatch(/another audience/);
  });

  it('names the audience and both counts when its subscriber list holds another reader', async () => {
    const refusal = await refusalOf(async (second) => {
      const list = JSON.parse(await readFile(second.subscribersFile, 'utf8')) as { subscribers: { email: string }[] };
      const first = list.subscribers[0]!;
      list.subscribers.push({ ...first, email: 'added@example.test' });
      await writeFile(second.subscribersFile, JSON.stringify(list));
    });
    expect(refusal).toMatch(/is sending 2026-W48 with a different plan/);
    const counts = /give another audience \((\d+) reader\(s\); the plan's: (\d+)\)/.exec(refusal);
    expect(counts, refusal).not.toBeNull();
    expect(Number(counts![1])).toBe(Number(counts![2]) + 1);
    expect(refusal).not.toMatch(/render other messages/);
  });
});
