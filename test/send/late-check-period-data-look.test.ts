import { describe, expect, it } from 'vitest';
import { canonicalAddress } from '../../src/address.js';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { stateSuppressionList } from '../../src/serve/suppressions.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from './_fixture.js';

/**
 * A run told to read the suppression list every 100 ms (`lateSuppressionCheckMs`) still took a look
 * up to a second old for the look before a message's data, so a reader who unsubscribed while the
 * server held their RCPT TO for half a second was mailed. The look before the data is now made
 * again once it is older than the run's period.
 */
describe('a run reading the suppression list more often than every second', () => {
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

  it('does not mail a reader who unsubscribed while the server held their RCPT TO for longer than that period', async () => {
    const f = await sendFixture(8, { concurrency: 1 });
    opened.fixture = f;
    let heldAt: string | undefined;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    opened.smtp = await startSmtpServer({
      faults: {
        holdRcpt: (rcpt, to) => {
          if (rcpt !== 3) return undefined;
          heldAt = canonicalAddress(to);
          return released;
        },
      },
    });
    const running = sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: sendEnv(opened.smtp.url()),
      lateSuppressionCheckMs: 100,
    });
    try {
      await expect.poll(() => heldAt, { timeout: 60_000 }).toBeDefined();
      const since = Date.now();
      // As `serve` answers a one-click unsubscribe: its own connection to the state file.
      const db = openStateDb(`${f.dir}/.rolecast/state.db`);
      try {
        expect(await stateSuppressionList(db).add(heldAt!, { reason: 'unsubscribe', source: 'one-click' })).toBe(
          'added',
        );
      } finally {
        db.close();
      }
      // Held past the run's period, and within the second the look was good for before.
      await expect.poll(() => Date.now() - since, { timeout: 10_000, interval: 50 }).toBeGreaterThan(400);
    } finally {
      release();
    }
    const report = await running;
    const mailed = (await opened.smtp.messages()).flatMap((m) => m.envelope.to.map(canonicalAddress));
    expect(mailed).not.toContain(heldAt);
    expect(mailed.length).toBeGreaterThan(0);
    expect(new Set(mailed).size).toBe(mailed.length);
    expect(report.total.sent).toBe(mailed.length);
  }, 60_000);
});
