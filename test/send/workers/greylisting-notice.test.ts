import { expect, it } from 'vitest';
import { planAudience } from '../../../src/group/index.js';
import { sendIssue } from '../../../src/send/index.js';
import { perTest } from '../../helpers/per-test.js';
import { describePostgres } from '../../helpers/postgres.js';
import { type SendFixture, sendEnv, sendFixture } from '../_fixture.js';
import { type RawServer, startRawServer } from '../_raw-smtp.js';
import { useWorkerDatabase } from './_database.js';

/** As one sender does, a worker says once that the server greylists, however many of its batches it hits. */
describePostgres('send workers: a greylisting server', () => {
  const db = useWorkerDatabase('greylisting_notice');
  const opened = perTest<{ smtp: RawServer; fixture: SendFixture }>(['smtp', 'fixture']);

  it('is named once in the worker output, and every reader is mailed', async () => {
    const f = await sendFixture(8, { concurrency: 1 });
    opened.fixture = f;
    const project = await f.load();
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const readers = plan.recipients.length;
    // Each reader's first RCPT TO is put off (Exim's "451 4.7.1 Please try again later"): every
    // batch has greylisted readers.
    const seen = new Set<string>();
    const smtp = await startRawServer({
      command: (line) => {
        const address = /^RCPT TO:<([^>]*)>/i.exec(line)?.[1];
        if (!address || seen.has(address)) return undefined;
        seen.add(address);
        return '451 4.7.1 Please try again later\r\n';
      },
    });
    opened.smtp = smtp;
    const lines: string[] = [];
    const report = await sendIssue({
      issueDir: f.issueDir,
      subscribersFile: f.subscribersFile,
      cwd: f.dir,
      env: { ...sendEnv(smtp.url()), DATABASE_URL: db.url(), ROLECAST_TEST_WORKER_BATCH: '4' },
      ratePerSecond: 0,
      log: (line) => lines.push(line),
    });
    expect(report.total.sent).toBe(readers);
    expect(report.greylisted).toBe(readers);
    const notices = lines.filter((line) => /notice: the SMTP server greylists/.test(line));
    expect(notices, lines.join('\n')).toHaveLength(1);
    expect(notices[0]).toMatch(/451 4\.7\.1 Please try again later/);
  }, 40_000);
});
