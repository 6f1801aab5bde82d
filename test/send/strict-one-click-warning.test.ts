import { describe, expect, it } from 'vitest';
import { perTest } from '../helpers/per-test.js';
import { oneStoryProject, runMain, type TempProject } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';

/**
 * A send over SMTP without urls.unsubscribe warns that its messages offer only a mailto, not the
 * one-click unsubscribe Gmail and Yahoo ask of bulk senders. That is a warning like any other:
 * counted at the end of the run, and refused by --strict before anything is sent.
 */
const opened = perTest<{ server: TestSmtpServer; project: TempProject }>(['server', 'project']);

async function send(...extra: string[]) {
  opened.project ??= await oneStoryProject([{ email: 'ann@example.com', roles: ['CTO'] }]);
  opened.server ??= await startSmtpServer();
  const { project, server } = opened as Required<typeof opened>;
  return runMain(project.dir, ['send', 'issues/2026-W49', '--subscribers', 'subscribers.json', ...extra], {
    SMTP_URL: server.url(),
  });
}

describe('send without urls.unsubscribe', () => {
  it('with --strict exits 2 naming the setting, and the server sees no message', async () => {
    const strict = await send('--strict');
    expect(strict.code, strict.all).toBe(2);
    expect(strict.err).toContain('urls.unsubscribe');
    expect(strict.err).toContain('--strict: 1 warning(s) found; nothing was sent');
    expect(opened.server!.counts.mailFrom).toBe(0);
  });

  it('a dry run with --strict refuses too', async () => {
    const strict = await send('--dry-run', '--strict');
    expect(strict.code, strict.all).toBe(2);
    expect(strict.err).toContain('--strict: 1 warning(s) found; nothing was sent');
  });

  it('without --strict sends, and the last line counts the warning', async () => {
    const loose = await send();
    expect(loose.code, loose.all).toBe(0);
    expect(await opened.server!.messages()).toHaveLength(1);
    expect(loose.err).toContain('1 warning(s) above');
  });
});
