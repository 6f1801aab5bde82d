import { describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/index.js';
import { appendToJournal, journalPath } from '../../src/send/journal.js';
import { addSuppression } from '../../src/send/store.js';
import { stateSuppressionList } from '../../src/serve/suppressions.js';
import { perTest } from '../helpers/per-test.js';
import type { TestSmtpServer } from '../helpers/smtp.js';
import type { SendFixture } from './_fixture.js';
import { sendWhileSecondIsSuppressed } from './_held-send.js';

/**
 * A suppression committed before a reader's message is handed to the server stops that message,
 * however recently: the send looks at the state file right before each message goes out, not only
 * at its background check (set here to a minute, so only that look can see it).
 */

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

type Suppress = (stateFile: string, email: string) => unknown;

const viaServe: Suppress = async (stateFile, email) => {
  // As `serve` answers a one-click unsubscribe: its own connection to the state file.
  const db = openStateDb(stateFile);
  const outcome = await stateSuppressionList(db).add(email, { reason: 'unsubscribe', source: 'one-click' });
  db.close();
  expect(outcome).toBe('added');
};
const viaJournal: Suppress = (stateFile, email) => {
  // As `serve` does when the state file takes no writes: the journal beside it, applied later.
  appendToJournal(journalPath(stateFile), {
    email,
    reason: 'unsubscribe',
    source: 'one-click',
    at: new Date().toISOString(),
  });
};
const byHand: Suppress = (stateFile, email) => {
  // As `rolecast suppress add` and a hard bounce from a webhook write it.
  const db = openStateDb(stateFile);
  addSuppression(db, email, { reason: 'bounce' });
  db.close();
};

describe('a reader suppressed while the message before theirs is on the wire', () => {
  for (const [how, suppress, kind] of [
    ['unsubscribed through serve', viaServe, 'suppressed'],
    ['unsubscribed into the journal', viaJournal, 'suppressed'],
    ['suppressed by hand for a bounce', byHand, 'bounced'],
  ] as const)
    it(`is not mailed when ${how}, and is counted as ${kind}`, async () => {
      const { report, mailed, second, planned } = await sendWhileSecondIsSuppressed(opened, 5, suppress);
      expect(mailed).not.toContain(second);
      expect(mailed).toHaveLength(planned - 1);
      expect(report.total.sent).toBe(planned - 1);
      expect(report.total.skipped[kind]).toBe(1);
      expect(report.total.pending + report.total.deferred + report.total.failed).toBe(0);
    });
});
