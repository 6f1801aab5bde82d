import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/send/journal.js';
import { withCheck } from '../../src/send/journal-check.js';

/**
 * A journal line as long as a bounce with its diagnostic, damaged on disk: the look before each
 * message reads the journal again whenever it changes, so telling what the line named must not
 * hold a send (or a reader page) for seconds each time, nor for minutes on a longer line.
 */

const line = (email: string, diagnostic: string) =>
  withCheck(
    JSON.stringify({
      email,
      reason: 'bounce',
      source: 'webhook',
      at: '2026-12-01T08:00:00.000Z',
      event: { diagnostic },
    }),
  );

const timed = <T>(read: () => T): { value: T; ms: number } => {
  const from = performance.now();
  const value = read();
  return { value, ms: performance.now() - from };
};

describe('a long journal line damaged on disk', () => {
  it('with one damaged character is mended, and read again at once when the journal grows', () => {
    const damaged = line('bob@example.test', `550 5.1.1 ${'mailbox unavailable '.repeat(60)}`).replace(
      'bob@example',
      'bob@exbmple',
    );
    const first = parseJournal(`${damaged}\n`);
    expect(first.entries.map((entry) => entry.email)).toContain('bob@example.test');
    expect(first.damaged).toEqual([]);
    // An unsubscribe appended while a send runs: the damaged line is not worked out again.
    const later = timed(() => parseJournal(`${damaged}\n${line('ann@example.test', '')}\n`));
    expect(later.value.entries.map((entry) => entry.email)).toEqual(
      expect.arrayContaining(['bob@example.test', 'ann@example.test']),
    );
    expect(later.ms).toBeLessThan(250);
  }, 60_000);

  it('longer than any line serve writes, with two damaged characters, is told as damaged at once', () => {
    const damaged = line('carol@example.test', 'x'.repeat(5_000)).replace('carol@example', 'carpl@exbmple');
    const read = timed(() => parseJournal(`${damaged}\n`));
    expect(read.value.damaged).toEqual([1]);
    expect(read.value.suspects).toContain('carpl@exbmple.test');
    expect(read.ms).toBeLessThan(2_000);
  }, 600_000);
});
