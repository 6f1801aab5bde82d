import { expect, it } from 'vitest';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import type { TestSmtpServer } from '../../helpers/smtp.js';
import type { SendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';
import { stopThirdAndTakeOver } from './_stopped-worker.js';

const HELD_UP =
  /this worker went \d+ s without renewing its leases \(lease 3 s\): another worker may have taken its items over/;

/**
 * A worker process stopped (SIGSTOP: a suspended VM, a long pause) past its lease while another
 * worker takes its readers over and finishes the plan. Woken, it must say it was held up past its
 * lease and exit as interrupted, as the README says, whichever it learns first: that its lease is
 * stale (as a message is about to start) or, from a heartbeat answered first, that its readers
 * are another worker's. It used to learn it from the heartbeat, say nothing of the stop, count the
 * readers taken over as its own "pending" and exit 3 as a send that failed.
 */
describePostgres('send workers: a worker woken after another took its readers over', () => {
  const db = useWorkerDatabase('stopped_after_end_of_data');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  it('stopped once the server had a message’s end of data: only that reader gets a second copy, and it says why it stops', async () => {
    const run = await stopThirdAndTakeOver(db, opened, 'end of data');
    // At least once: the message the server took as the worker stopped is the one a connection may double.
    expect(run.twice, run.stderr).toEqual([run.stoppedAt]);
    expect(run.otherLog.join('\n')).toContain('may have been sent again now, with the same Message-ID');
    expect(run.stderr).toMatch(HELD_UP);
    expect(run.stderr).toContain('interrupted — run the same command to resume');
    expect(run.code, run.stderr).toBe(130);
    // The late 250 is recorded too, and the other worker's row stays "sent".
    const { rows } = await db.pool.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM deliveries GROUP BY status',
    );
    expect(rows).toEqual([{ status: 'sent', n: run.copies.size }]);
  }, 120_000);

  it('stopped before the server’s 354: no reader gets a second copy, and it says why it stops', async () => {
    const run = await stopThirdAndTakeOver(db, opened, 'data', ['--rate', '0.5']);
    expect(run.twice, run.stderr).toEqual([]);
    expect(run.stderr).toMatch(HELD_UP);
    expect(run.code, run.stderr).toBe(130);
  }, 120_000);
});
