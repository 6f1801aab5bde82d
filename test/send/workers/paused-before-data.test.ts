import { expect, it } from 'vitest';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import type { TestSmtpServer } from '../../helpers/smtp.js';
import type { SendFixture } from '../_fixture.js';
import { useWorkerDatabase } from './_database.js';
import { stopThirdAndTakeOver } from './_stopped-worker.js';

/**
 * A worker process stopped (SIGSTOP: a suspended VM, a long pause) after its message's envelope
 * went out and before the server's 354 came back: meanwhile its lease runs out, another worker
 * takes the reader over and mails them. Woken (SIGCONT), the stopped worker used to write the
 * message and its dot on the 354 it found waiting, and the reader got a second copy. Its lease is
 * now asked again right before the data goes: found stale, the message is withheld (no dot).
 */
describePostgres('send workers: a worker stopped between its envelope and its data', () => {
  const db = useWorkerDatabase('paused_before_data');
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  it('woken after another worker sent its readers, it writes no message of theirs', async () => {
    const { stoppedAt, earlier, copies, twice, stderr } = await stopThirdAndTakeOver(db, opened, 'data');
    expect(copies.get(stoppedAt), stderr).toBe(1);
    expect(twice.filter((email) => !earlier.includes(email))).toEqual([]);
  }, 120_000);

  it('readers it had mailed a second or more before it stopped were recorded: the other worker mails them no second copy', async () => {
    // One message every 2 s: the first two were taken well before the stop, their batch not over.
    const { stoppedAt, earlier, copies, twice, stderr } = await stopThirdAndTakeOver(db, opened, 'data', [
      '--rate',
      '0.5',
    ]);
    expect(earlier).toHaveLength(2);
    expect(copies.get(stoppedAt), stderr).toBe(1);
    expect(twice, stderr).toEqual([]);
  }, 120_000);
});
