import { describe, expect, it } from 'vitest';
import { parseJournal } from '../../src/send/journal.js';
import { withCheck } from '../../src/send/journal-check.js';
import { workDone } from '../../src/send/work-done.js';

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

describe('a long journal line damaged on disk', () => {
  it('with one damaged character is mended, and read again at once when the journal grows', () => {
    const damaged = line('bob@example.test', `550 5.1.1 ${'mailbox unavailable '.repeat(60)}`).replace(
      'bob@example',
      'bob@exbmple',
    );
    const tried = workDone('journalMendsTried');
    const first = parseJournal(`${damaged}\n`);
    expect(first.entries.map((entry) => entry.email)).toContain('bob@example.test');
    expect(first.damaged).toEqual([]);
    // An unsubscribe appended while a send runs: the damaged line is not worked out again.
    expect(workDone('journalMendsTried')).toBe(tried + 1);
    const later = parseJournal(`${damaged}\n${line('ann@example.test', '')}\n`);
    expect(later.entries.map((entry) => entry.email)).toEqual(
      expect.arrayContaining(['bob@example.test', 'ann@example.test']),
    );
    expect(workDone('journalMendsTried')).toBe(tried + 1);
  }, 60_000);

  it('longer than any line serve writes, with two damaged characters, is told as damaged at once', () => {
    const damaged = line('carol@example.test', 'x'.repeat(5_000)).replace('carol@example', 'carpl@exbmple');
    const tried = workDone('journalMendsTried');
    const read = parseJournal(`${damaged}\n`);
    expect(read.damaged).toEqual([1]);
    expect(read.suspects).toContain('carpl@exbmple.test');
    // Not tried character by character: on a line this long that held a send for minutes.
    expect(workDone('journalMendsTried')).toBe(tried);
  }, 60_000);
});
