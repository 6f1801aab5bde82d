import { it } from 'vitest';
import { sendIssue } from '../../../src/send/index.js';
import { expectTrialDecidesNoTag, expectTrialNotReported, type SendTo } from '../../helpers/click-tags.js';
import { perTest } from '../../helpers/per-test.js';
import { createDatabase, describePostgres } from '../../helpers/postgres.js';
import type { TestSmtpServer } from '../../helpers/smtp.js';
import { type SendFixture, sendEnv } from '../_fixture.js';

/**
 * As with a single sender (test/analytics/outbox-trial.test.ts): a trial run to the outbox by send
 * workers reaches nobody, so it decides no role set's `?v=` for the real send and is no issue sent.
 */
describePostgres('send workers on a trial run to the outbox', () => {
  const opened = perTest<{ smtp: TestSmtpServer; fixture: SendFixture; database: { close(): Promise<void> } }>([
    'smtp',
    'fixture',
    'database',
  ]);
  // A database of its own each attempt: neither another test's real send nor a retry's trial is in it.
  const freshDatabase = async (label: string) => {
    const made = await createDatabase(label);
    opened.database = { close: made.drop };
    return made.url;
  };
  const sendWith =
    (databaseUrl: string): SendTo =>
    (f, smtpUrl) =>
      sendIssue({
        issueDir: f.issueDir,
        subscribersFile: f.subscribersFile,
        cwd: f.dir,
        env: { ...sendEnv(smtpUrl), DATABASE_URL: databaseUrl },
      });

  it("do not decide a role set's ?v= for the real send", async () => {
    await expectTrialDecidesNoTag(sendWith(await freshDatabase('outbox_trial_tags')), opened);
  }, 120_000);

  it('are not reported as an issue sent', async () => {
    const url = await freshDatabase('outbox_trial_report');
    await expectTrialNotReported(sendWith(url), opened, { DATABASE_URL: url });
  }, 120_000);
});
