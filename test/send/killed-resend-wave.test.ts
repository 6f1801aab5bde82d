import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { generateSubscribers } from './_fixture.js';
import { expectEachOnce, killedAt, killHarness, sentInSqlite, tally, unrecorded } from './_killed-send.js';

/**
 * A `--resend` and a scheduled send (`--at`, two waves) killed with SIGKILL mid-way, then run again
 * with the same command: each reader gets what the command owes them once, but for a message the
 * server took and the ledger had not recorded at the kill (at most one a connection).
 */

const CONCURRENCY = 3;
const harness = killHarness();

function resendStart(stateFile: string): string {
  const db = new Database(stateFile, { readonly: true });
  try {
    return db.prepare('SELECT resend_started_at FROM runs').pluck().get() as string;
  } finally {
    db.close();
  }
}

/** `HH:MM` UTC `minutes` from now, on today's UTC date, as `--at` takes a wall-clock time. */
function wallClock(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString().slice(0, 16);
}

describe('a send killed with SIGKILL, then run again: --resend and scheduled waves', { timeout: 180_000 }, () => {
  it('a --resend killed mid-way and run again: every reader gets one more copy, all with one Message-ID', async () => {
    const { sink, start, stateFile, readers } = await harness.setUp();
    const first = await start().done;
    expect(first.code, first.stderr).toBe(0);
    const killAt = readers.length + 12;
    await killedAt(
      sink,
      () => start('--resend'),
      (moment, n) => moment === 'accepted' && n === killAt,
    );
    const since = resendStart(stateFile);
    const resent = (await sink.accepted()).slice(readers.length);
    const missed = unrecorded(resent, sentInSqlite(stateFile, '2026-W48', since));
    expect(missed.size).toBeLessThanOrEqual(CONCURRENCY);

    const again = await start('--resend').done;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('resum');
    const messages = await sink.server.messages();
    const copies = tally(messages.slice(readers.length).map((m) => m.envelope.to[0]!));
    expect([...copies.keys()].sort()).toEqual(readers);
    for (const [email, n] of copies)
      expect(n, `${email} resent ${n} times`).toBeLessThanOrEqual(missed.has(email) ? 2 : 1);
    const ids = new Map<string, Set<string>>();
    for (const m of messages.slice(readers.length)) {
      const to = m.envelope.to[0]!;
      ids.set(to, (ids.get(to) ?? new Set()).add(m.parsed.messageId ?? ''));
    }
    for (const [email, set] of ids) expect(set.size, email).toBe(1);
  });

  it('a scheduled send killed in its second wave: the same command skips the first and finishes the second', async () => {
    // Half the readers in London, half in Berlin: two waves an hour apart, both due, both in the grace window.
    const subscribers = generateSubscribers(52).map((s, i) => ({
      ...s,
      timezone: i % 2 ? 'Europe/London' : 'Europe/Berlin',
    }));
    const { sink, start, stateFile, readers } = await harness.setUp({ subscribers });
    const at = ['--at', wallClock(-5), '--local'];
    // Berlin's 08:00 comes first: the readers of even number.
    const firstWave = readers.filter((email) => Number(/\d+/.exec(email)![0]) % 2 === 0).length;
    const killAt = firstWave + 5;
    await killedAt(
      sink,
      () => start(...at),
      (moment, n) => moment === 'data-end' && n === killAt,
    );
    const missed = unrecorded(await sink.accepted(), sentInSqlite(stateFile));
    expect(missed.size).toBeLessThanOrEqual(CONCURRENCY);

    const again = await start(...at).done;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('was already sent');
    expect(again.stderr).toContain('stopped without finishing (killed, or its machine went down)');
    await expectEachOnce(sink, readers, [missed]);
  });
});
