import { renameSync } from 'node:fs';
import { expect, it } from 'vitest';
import { appendToJournal, journalPath } from '../../src/send/journal.js';
import { perTest } from '../helpers/per-test.js';
import type { TestSmtpServer } from '../helpers/smtp.js';
import type { SendFixture } from './_fixture.js';
import { sendWhileSecondIsSuppressed } from './_held-send.js';

/**
 * An unsubscribe `serve` journaled stays an unsubscribe while a replay has renamed the journal
 * aside and not yet committed it (the replay under way, or stopped by a state file that still
 * takes no writes, which leaves the renamed copy for the next one). The background check is set
 * to a minute, so only the look right before the message goes out can see it.
 */

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

it('a reader whose journaled unsubscribe a replay set aside is not mailed, and is counted as suppressed', async () => {
  const { report, mailed, second, planned } = await sendWhileSecondIsSuppressed(opened, 5, (stateFile, email) => {
    const journal = journalPath(stateFile);
    appendToJournal(journal, { email, reason: 'unsubscribe', source: 'one-click', at: new Date().toISOString() });
    // As a replay by `serve` does first, before its commit.
    renameSync(journal, `${journal}.replaying-1-1-aside`);
  });
  expect(mailed).not.toContain(second);
  expect(mailed).toHaveLength(planned - 1);
  expect(report.total.sent).toBe(planned - 1);
  expect(report.total.skipped.suppressed).toBe(1);
  expect(report.total.pending + report.total.deferred + report.total.failed).toBe(0);
});
