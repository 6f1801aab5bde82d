import { expect } from 'vitest';
import { type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

/**
 * Five readers to send one at a time on the suite's PostgreSQL database, to an SMTP server that
 * holds each message's reply until `release()`; both are closed with `opened` after the test.
 */
export async function heldWorkerSend(
  db: { url: () => string },
  opened: Partial<{ smtp: TestSmtpServer; fixture: SendFixture }>,
) {
  const f = await sendFixture(5, { concurrency: 1 });
  opened.fixture = f;
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let dataEnded = 0;
  const smtp = await startSmtpServer({ faults: { holdData: held }, onDataEnd: () => dataEnded++ });
  opened.smtp = smtp;
  const options = {
    issueDir: f.issueDir,
    subscribersFile: f.subscribersFile,
    cwd: f.dir,
    env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url() },
    ratePerSecond: 0,
    lateSuppressionCheckMs: 60_000,
  };
  return {
    smtp,
    options,
    release: () => release(),
    /** Resolves once `count` messages were on the wire, each reply held. */
    dataEnded: (count: number) =>
      expect.poll(() => dataEnded, { timeout: 20_000, interval: 5 }).toBeGreaterThanOrEqual(count),
  };
}
