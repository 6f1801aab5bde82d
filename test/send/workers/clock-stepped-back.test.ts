import { afterEach, expect, it, vi } from 'vitest';
import { canonicalAddress } from '../../../src/address.js';
import { sendIssue } from '../../../src/send/index.js';
import { leaseClock } from '../../../src/send/workers/lease-clock.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';

it('the lease clock counts the larger of wall and monotonic time, and never goes back', () => {
  let wall = 1_000_000;
  let mono = 50;
  const clock = leaseClock(
    () => wall,
    () => mono,
  );
  const start = clock();
  // Stopped 90 s while the wall clock was stepped back a minute: the stop still counts.
  wall -= 60_000;
  mono += 90_000;
  expect(clock() - start).toBe(90_000);
  // A suspended machine: the monotonic clock stood still, the wall clock did not.
  wall += 120_000;
  expect(clock() - start).toBe(210_000);
});

/**
 * A worker stopped past its lease while its host's wall clock was stepped back (NTP, a VM's clock
 * put right) measured too little of the stop by that clock alone and went on sending items another
 * worker may have taken over and sent. The stop now counts by the monotonic clock as well.
 */
describePostgres('send workers: a stop past the lease while the wall clock is stepped back', () => {
  const db = useWorkerDatabase('clock_stepped_back');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('starts nothing more and hands its items back', async () => {
    let wallShift = 0;
    let taken = 0;
    const realNow = performance.now.bind(performance);
    let monotonicShift = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => realNow() + monotonicShift);
    const f = await sendFixture(40);
    opened.fixture = f;
    const smtp = await startSmtpServer({
      onDataEnd: () => {
        // After the third message: 90 s pass (a stopped process), the wall clock put back 60 s.
        if (++taken === 3) {
          monotonicShift = 90_000;
          wallShift = -60_000;
        }
      },
    });
    opened.smtp = smtp;
    const lines: string[] = [];
    const report = await sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '7' },
      ratePerSecond: 0,
      concurrency: 1,
      now: () => new Date(Date.now() + wallShift),
      log: (line) => lines.push(line),
    });
    expect(lines.some((line) => /without renewing its leases/.test(line))).toBe(true);
    expect(report.interrupted).toBe(true);
    expect(report.total.sent).toBeLessThanOrEqual(4);
    const mailed = (await smtp.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress));
    expect(new Set(mailed).size).toBe(mailed.length);
  }, 60_000);
});
