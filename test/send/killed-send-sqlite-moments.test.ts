import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { expectEachOnce, killAndCount, killHarness } from './_killed-send.js';

/**
 * A real `rolecast send` over three connections killed with SIGKILL while the server holds a whole
 * message unanswered, while its ledger write waits on a lock, and twice over: the same command then
 * mails every reader, and only a message accepted and unrecorded at a kill may arrive twice.
 */

const harness = killHarness();

describe('a send killed with SIGKILL at awkward moments, then run again (SQLite)', { timeout: 180_000 }, () => {
  it('killed while the server held a whole message and had not answered it', async () => {
    const { sink, start, stateFile, readers } = await harness.setUp();
    const missed = await killAndCount(sink, start, stateFile, 3, (moment, n) => moment === 'data-end' && n === 12);

    const rerun = await start().done;
    expect(rerun.code, rerun.stderr).toBe(0);
    await expectEachOnce(sink, readers, [missed]);
  });

  it('killed while its ledger write waits on a lock another program holds', async () => {
    const { sink, start, stateFile, readers } = await harness.setUp();
    let blocker: Database.Database | undefined;
    let lockedAt = 0;
    try {
      const missed = await killAndCount(sink, start, stateFile, 3, (moment, n) => {
        if (moment !== 'accepted') return false;
        if (!blocker) {
          if (n < 8) return false;
          // The next ledger write waits for this lock (SQLite's busy wait) while the server takes
          // what the connections had ready: no final dot may go out beyond one a connection.
          blocker = new Database(stateFile, { timeout: 10_000 });
          blocker.prepare('BEGIN IMMEDIATE').run();
          lockedAt = n;
          return false;
        }
        return n > lockedAt;
      });
      blocker?.prepare('ROLLBACK').run();
      blocker?.close();
      blocker = undefined;

      const rerun = await start().done;
      expect(rerun.code, rerun.stderr).toBe(0);
      await expectEachOnce(sink, readers, [missed]);
    } finally {
      blocker?.close();
    }
  });

  it('killed twice, the second time while resuming: the third run finishes, each reader once bar the two kills', async () => {
    const { sink, start, stateFile, readers } = await harness.setUp();
    const first = await killAndCount(sink, start, stateFile, 3, (moment, n) => moment === 'accepted' && n === 10);
    const second = await killAndCount(sink, start, stateFile, 3, (moment, n) => moment === 'data-end' && n === 22);

    const third = await start().done;
    expect(third.code, third.stderr).toBe(0);
    await expectEachOnce(sink, readers, [first, second]);
  });
});
