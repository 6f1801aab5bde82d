import { describe, expect, it } from 'vitest';
import { expectEachOnce, killAndCount, killHarness } from './_killed-send.js';

/**
 * A real `rolecast send` to ~40 readers over three connections, killed with SIGKILL at chosen
 * moments, then run again: every reader gets the issue, and only a message the server took but the
 * ledger had not recorded when the process died (at most one a connection) may arrive twice.
 */

const harness = killHarness();

describe('a send killed with SIGKILL, then run again (SQLite)', { timeout: 180_000 }, () => {
  it.each([1, 17, 34])('killed right after message %i was accepted', async (k) => {
    const { sink, start, stateFile, readers } = await harness.setUp();
    expect(readers.length).toBeGreaterThan(k + 1);
    const missed = await killAndCount(sink, start, stateFile, 3, (moment, n) => moment === 'accepted' && n === k);

    const killed = sink.target!.pid;
    const rerun = await start().done;
    expect(rerun.code, rerun.stderr).toBe(0);
    // It says a message the killed send had in flight may go out again.
    expect(rerun.stderr).toMatch(
      new RegExp(`notice: the send of 2026-W48 started at \\S+ \\(pid ${killed} on [^)]+\\) stopped without finishing`),
    );
    expect(rerun.stderr).toContain('at most one a connection, may be sent again now, with the same Message-ID');
    await expectEachOnce(sink, readers, [missed]);
  });
});
