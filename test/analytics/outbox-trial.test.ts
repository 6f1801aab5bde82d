import { describe, it } from 'vitest';
import { sendIssue } from '../../src/send/index.js';
import { expectTrialDecidesNoTag, expectTrialNotReported, type SendTo } from '../helpers/click-tags.js';
import { perTest } from '../helpers/per-test.js';
import type { TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv } from '../send/_fixture.js';

/**
 * A trial run to the outbox reaches nobody: it must not decide a role set's `?v=` for the real send
 * (a trial list where two readers share a role set the real list gives one reader would name that
 * reader's clicks), and it is no issue sent for `rolecast report`.
 */
const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture }>(['smtp', 'fixture']);

const send: SendTo = (f, smtpUrl) =>
  sendIssue({ issueDir: f.issueDir, subscribersFile: f.subscribersFile, cwd: f.dir, env: sendEnv(smtpUrl) });

describe('a trial run to the outbox', () => {
  it("does not decide a role set's ?v= for the real send", () => expectTrialDecidesNoTag(send, opened), 120_000);

  it('is not reported as an issue sent', () => expectTrialNotReported(send, opened), 120_000);
});
