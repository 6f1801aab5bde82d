import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { type RunningServe, startServe } from '../helpers/cli.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const SECRET = 'terminated-replica-secret-0123456789abcdef';
const LIST = 'weekly.rolecast.example';

/**
 * A replica whose connections the database ends while they are inside a transaction (a failover,
 * a restart, pg_terminate_backend, idle_in_transaction_session_timeout): those requests fail, and
 * the replica goes on answering the others.
 */
describePostgres('a serve replica whose connection the database ends mid-transaction', () => {
  const databaseUrl = useFreshDatabase('serve_terminated');
  let project: TempProject;
  let replica: RunningServe | undefined;
  let admin: pg.Client | undefined;
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
  });
  afterEach(async () => {
    await admin?.end().catch(() => {});
    admin = undefined;
    replica?.child.kill('SIGTERM');
    await replica?.exited;
    replica = undefined;
    await project.cleanup();
  });

  it('keeps running when signups lose their connection between two statements, and records the next unsubscribe', async () => {
    const running = await startServe({
      cwd: project.dir,
      env: { ROLECAST_SECRET: SECRET, SMTP_URL: '', DATABASE_URL: databaseUrl() },
      until: 'health check',
    });
    replica = running;
    let exitCode: number | null | undefined;
    void running.exited.then((code) => {
      exitCode = code;
    });
    admin = new pg.Client({ connectionString: databaseUrl() });
    await admin.connect();
    const alive = () => exitCode === undefined;
    let posted = 0;
    let stop = false;
    const signups = async () => {
      while (!stop && alive()) {
        const n = posted++;
        await fetch(running.url.replace('/unsubscribe', '/subscribe'), {
          method: 'POST',
          // Spread over client networks: the signup limits must not answer before the transaction.
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.1.${n % 250}.${(n >> 8) % 250}` },
          body: JSON.stringify({ email: `reader${n}@example.com`, roles: ['CTO'] }),
        }).catch(() => undefined);
      }
    };
    const senders = Array.from({ length: 8 }, signups);
    // Ends connections caught between two statements of a transaction, until five were ended.
    let ended = 0;
    for (let look = 0; look < 20_000 && ended < 5 && alive(); look++) {
      const result = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'rolecast serve' AND state = 'idle in transaction'",
      );
      ended += result.rowCount ?? 0;
    }
    stop = true;
    await Promise.all(senders);
    expect(ended, running.stderr).toBeGreaterThanOrEqual(exitCode === undefined ? 5 : 1);
    expect(exitCode, running.stderr).toBeUndefined();

    const status = await fetch(
      `${running.url}?token=${signToken({ email: 'ellen.park@example.com', listId: LIST }, SECRET)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      },
    ).then((response) => response.status);
    expect(status, running.stderr).toBe(200);
    const stored = await admin.query("SELECT 1 FROM suppressions WHERE email = 'ellen.park@example.com'");
    expect(stored.rowCount).toBe(1);
    expect(running.stderr).not.toMatch(/Unhandled 'error' event|this is a bug/);
  }, 180_000);
});
