import { describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/index.js';
import { appendToJournal, journalPath } from '../../src/send/journal.js';
import { stateSuppressionList } from '../../src/serve/suppressions.js';
import { perTest } from '../helpers/per-test.js';
import type { TestSmtpServer } from '../helpers/smtp.js';
import type { SendFixture } from './_fixture.js';
import { stopAtThirdData } from './workers/_stopped-worker.js';

/**
 * A send on the state file stopped (SIGSTOP, a suspended machine) for a few seconds after its look
 * at the suppression list right before a message's MAIL FROM, and before the message's data: a
 * reader who unsubscribed through `serve` meanwhile was mailed on that look, seconds old, as the
 * list was read again before the data only on PostgreSQL.
 */
describe('a reader who unsubscribes while a send on the state file is stopped before their data', () => {
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);
  const stateFile = (f: SendFixture) => `${f.dir}/.rolecast/state.db`;

  const viaServe = async (f: SendFixture, email: string) => {
    // As `serve` answers a one-click unsubscribe: its own connection to the state file.
    const db = openStateDb(stateFile(f));
    try {
      expect(await stateSuppressionList(db).add(email, { reason: 'unsubscribe', source: 'one-click' })).toBe('added');
    } finally {
      db.close();
    }
  };
  const viaJournal = (f: SendFixture, email: string) => {
    // As `serve` does when the state file takes no writes.
    appendToJournal(journalPath(stateFile(f)), {
      email,
      reason: 'unsubscribe',
      source: 'one-click',
      at: new Date().toISOString(),
    });
  };

  const sentInLedger = (f: SendFixture): string[] => {
    const db = openStateDb(stateFile(f));
    try {
      return db.prepare("SELECT email FROM deliveries WHERE status = 'sent'").pluck().all() as string[];
    } finally {
      db.close();
    }
  };

  for (const [how, suppress] of [
    ['through serve', viaServe],
    ['into the journal', viaJournal],
  ] as const)
    it(`is not mailed when they unsubscribed ${how}, and the send goes on to the end`, async () => {
      const run = await stopAtThirdData(opened, {}, suppress);
      expect(run.mailed, run.stderr).not.toContain(run.stoppedAt);
      expect(new Set(run.mailed).size).toBe(run.mailed.length);
      expect(run.code, run.stderr).toBe(0);
      // Every other reader sent and recorded; theirs recorded as nothing sent.
      const sent = sentInLedger(opened.fixture!);
      expect(sent).not.toContain(run.stoppedAt);
      expect([...sent].sort()).toEqual([...run.mailed].sort());
    }, 120_000);

  it('a reader who stayed is mailed once after the stop', async () => {
    const run = await stopAtThirdData(opened, {});
    expect(run.mailed.filter((email) => email === run.stoppedAt)).toHaveLength(1);
    expect(new Set(run.mailed).size).toBe(run.mailed.length);
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);
});
