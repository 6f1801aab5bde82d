import { describe, expect, it } from 'vitest';
import { appendToJournal, journalPath } from '../../src/send/journal.js';
import { perTest } from '../helpers/per-test.js';
import type { TestSmtpServer } from '../helpers/smtp.js';
import type { SendFixture } from './_fixture.js';
import { sendWhileSecondIsSuppressed } from './_held-send.js';

/**
 * A bounce or complaint `serve` could only journal (the state file took no writes), caught by the
 * look right before the reader's message goes out, is counted by its reason, as the same
 * suppression committed to the state file is. The background check is set to a minute, so only
 * that look can see it.
 */

const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

function sendWhileJournaling(reason: string) {
  return sendWhileSecondIsSuppressed(opened, 4, (stateFile, email) =>
    appendToJournal(journalPath(stateFile), { email, reason, source: 'webhook', at: new Date().toISOString() }),
  );
}

describe('a bounce or complaint journaled while the message before the reader’s is on the wire', () => {
  for (const [reason, kind] of [
    ['hard bounce', 'bounced'],
    ['complaint', 'complained'],
    ['unsubscribe', 'suppressed'],
  ] as const)
    it(`journaled as "${reason}" stops the message and is counted as ${kind}`, async () => {
      const { report, mailed, second, planned } = await sendWhileJournaling(reason);
      expect(mailed).not.toContain(second);
      expect(report.total.sent).toBe(planned - 1);
      expect(report.total.skipped[kind]).toBe(1);
      const others = (['bounced', 'complained', 'suppressed'] as const).filter((k) => k !== kind);
      for (const other of others) expect(report.total.skipped[other] ?? 0).toBe(0);
    });
});
