import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { sendIssue } from '../../src/send/index.js';
import { openState } from '../../src/state/open.js';
import { perTest } from '../helpers/per-test.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { runMain } from '../helpers/project.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

/**
 * `send` with DATABASE_URL: the ledger, the run record, suppressions and the send lock live in
 * PostgreSQL, with the guarantees of the state file: a second run sends nobody twice, a suppressed
 * reader is skipped, and a second sender of the same issue is refused while the first holds the lock.
 */

describePostgres('send with the state in PostgreSQL', () => {
  const url = useFreshDatabase('send');
  const opened = perTest<{ server: TestSmtpServer; fixture: SendFixture }>(['server', 'fixture']);

  it('records every accepted message in PostgreSQL; a second run sends nothing again', async () => {
    const fixture = await sendFixture(40);
    opened.fixture = fixture;
    const server = await startSmtpServer();
    opened.server = server;
    const env = { ...sendEnv(server.url()), DATABASE_URL: url() };
    const store = await openState({ kind: 'postgres', url: url() });
    await store.suppressions.add('reader00001@example.test', { reason: 'bounce' });
    await store.close();
    const options = { issueDir: fixture.issueDir, subscribersFile: fixture.subscribersFile, cwd: fixture.dir, env };
    const first = await sendIssue(options);
    const accepted = (await server.messages()).map((m) => m.envelope.to[0]!);
    expect(first.total.sent).toBeGreaterThan(0);
    expect(accepted).toHaveLength(first.total.sent);
    expect(accepted).not.toContain('reader00001@example.test');
    // Nothing was written to a SQLite state file.
    expect(existsSync(`${fixture.dir}/.rolecast/state.db`)).toBe(false);

    const again = await sendIssue(options);
    expect(again.total.sent).toBe(0);
    expect(again.total.skipped.alreadySent).toBe(first.total.sent);
    expect(await server.messages()).toHaveLength(first.total.sent);

    const reopened = await openState({ kind: 'postgres', url: url() });
    try {
      const [smtp] = await reopened.status('2026-W48');
      expect(smtp).toMatchObject({ channel: 'smtp', sent: first.total.sent, failed: 0, pending: 0 });
      expect(smtp!.lastRun?.outcome).toBe('complete');
    } finally {
      await reopened.close();
    }
    const status = await runMain(fixture.dir, ['status', 'issues/2026-W48'], { DATABASE_URL: url() });
    expect(status.code).toBe(0);
    expect(status.out).toContain(`2026-W48 via smtp: ${first.total.sent} sent, 0 failed, 0 deferred, 0 pending`);
  });

  it('refuses a second sender of the same issue while the lock is held', async () => {
    const fixture = await sendFixture(5);
    opened.fixture = fixture;
    const server = await startSmtpServer();
    opened.server = server;
    const store = await openState({ kind: 'postgres', url: url() });
    const lock = await store.lock('2026-W48');
    try {
      const refused = await sendIssue({
        issueDir: fixture.issueDir,
        subscribersFile: fixture.subscribersFile,
        cwd: fixture.dir,
        env: { ...sendEnv(server.url()), DATABASE_URL: url() },
      }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RolecastError);
      expect((refused as RolecastError).code).toBe('E_LOCKED');
      expect(await server.messages()).toHaveLength(0);
    } finally {
      await lock.release();
      await store.close();
    }
  });
});
