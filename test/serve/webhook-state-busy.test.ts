import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStateDb, sendIssue } from '../../src/send/index.js';
import { journalPath } from '../../src/serve/index.js';
import { perTest } from '../helpers/per-test.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { webhookServeOverState } from './_webhook-state.js';

/**
 * A send writes its ledger into the state file as messages go, and `serve` shares that file. A
 * complaint or hard bounce posted while the send held the write lock was answered 503 at once,
 * though the lock is held for a moment only: the provider tries again a minute or so later, and the
 * running send meanwhile mailed the reader who had just pressed "spam". `serve` now waits for the
 * lock as it does for an unsubscribe, and past that wait journals the suppression, which a running
 * send reads before each message. The send's write lock is held here by another connection.
 */

const SECRET = 'webhook-busy-secret-0123456789abcdef';
const READER = 'priya.raman@example.com';
const serve = webhookServeOverState(SECRET);
const smtp = perTest<{ server: TestSmtpServer }>(['server']);

/** Another connection to the state file holding its write lock, as a send writing its ledger does. */
function holdWriteLock(file: string) {
  const other = openStateDb(file);
  other.exec('BEGIN IMMEDIATE');
  return () => {
    other.exec('COMMIT');
    other.close();
  };
}

describe('a webhook while a send holds the state file', () => {
  it('a complaint is journaled and answered 200, and the send mails that reader nothing', async () => {
    await serve.start();
    const release = holdWriteLock(serve.stateFile);
    const response = await serve.postmark('SpamComplaint', READER, 31);
    release();
    expect(response.status).toBe(200);
    expect(readFileSync(journalPath(serve.stateFile), 'utf8')).toContain('"reason":"complaint"');

    smtp.server = await startSmtpServer();
    const report = await sendIssue({
      issueDir: 'issues/2026-W48',
      subscribersFile: 'subscribers.example.json',
      cwd: serve.project.dir,
      env: { ROLECAST_SECRET: SECRET, SMTP_URL: smtp.server.url() },
    });
    const mailed = (await smtp.server.messages()).flatMap((m) => m.envelope.to);
    expect(mailed.length).toBeGreaterThan(0);
    expect(mailed).not.toContain(READER);
    expect(report.total.skipped.complained).toBe(1);
    // The journal was applied with its event: the complaint is counted where bounces list reads.
    expect(serve.db.prepare("SELECT COUNT(*) FROM bounce_events WHERE kind = 'complaint'").pluck().get()).toBe(1);
  });

  it('a hard bounce is recorded in the file once the lock is free within the wait', async () => {
    await serve.start();
    const release = holdWriteLock(serve.stateFile);
    const answer = serve.postmark('HardBounce', READER, 32);
    // Released once the call has found the file locked: `serve` waits rather than answering 503.
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect((await answer).status).toBe(200);
    expect(serve.db.prepare('SELECT reason FROM suppressions WHERE email = ?').pluck().get(READER)).toBe('bounce');
    expect(existsSync(journalPath(serve.stateFile))).toBe(false);
  });

  it('a soft bounce, which only counts, is still answered 503 when the lock outlasts the wait', async () => {
    await serve.start();
    const release = holdWriteLock(serve.stateFile);
    const response = await serve.postmark('SoftBounce', READER, 33);
    release();
    expect(response.status).toBe(503);
    expect(existsSync(journalPath(serve.stateFile))).toBe(false);
  });
});
