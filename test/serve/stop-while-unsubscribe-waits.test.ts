import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { signToken } from '../../src/unsubscribe/token.js';
import { type RunningServe, startServe } from '../helpers/cli.js';
import { describePostgres, lockWaiters, useFreshDatabase } from '../helpers/postgres.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * `serve` on PostgreSQL stopped by SIGTERM while a one-click unsubscribe's write waits on a lock
 * (a migration's LOCK TABLE, another session's row) cut that request without an answer and without
 * a word in its log, though the database might still commit it. The request is now answered: done
 * when the database takes it within the stop's bound, else 503 with Retry-After so the provider
 * tries again, and the log says how many unsubscribes were cut.
 */

const SECRET = 'serve-stop-unsubscribe-secret-0123456789';
const LIST = 'weekly.rolecast.example';

async function untilLockWaiters(client: pg.Client, wanted: (n: number) => boolean): Promise<number> {
  for (let i = 0; i < 400 && !wanted(await lockWaiters(client)); i++)
    await new Promise((resolve) => setTimeout(resolve, 25));
  return lockWaiters(client);
}

async function suppressionsOf(client: pg.Client, email: string): Promise<number> {
  const { rows } = await client.query('SELECT count(*) AS n FROM suppressions WHERE email = $1', [email]);
  return Number(rows[0].n);
}

describePostgres('serve stopped while a one-click unsubscribe waits on the database', () => {
  const databaseUrl = useFreshDatabase('serve_stop_unsub');
  let project: TempProject;
  let running: RunningServe | undefined;
  let holder: pg.Client | undefined;
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
  });
  afterEach(async () => {
    await holder?.end();
    holder = undefined;
    running?.child.kill('SIGKILL');
    await running?.exited;
    running = undefined;
    await project.cleanup();
  });

  /** Serve, the holder's lock taken by `lock`, a one-click unsubscribe waiting on it, and SIGTERM. */
  async function stopWhileWaiting(email: string, lock: (client: pg.Client) => Promise<unknown>) {
    running = await startServe({
      cwd: project.dir,
      env: { ROLECAST_SECRET: SECRET, DATABASE_URL: databaseUrl() },
      until: 'health check',
    });
    holder = new pg.Client({ connectionString: databaseUrl() });
    await holder.connect();
    await holder.query('BEGIN');
    await lock(holder);
    const token = signToken({ email, listId: LIST }, SECRET);
    const answer = fetch(`${running.url}?token=${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    }).then(
      (response) => ({ status: response.status, retryAfter: response.headers.get('retry-after') }),
      (error: unknown) => ({ status: 0, retryAfter: null, error: String(error) }),
    );
    expect(await untilLockWaiters(holder, (n) => n >= 1)).toBe(1);
    running.child.kill('SIGTERM');
    return { serve: running, answer };
  }

  it('answers 503 with Retry-After when the table stays locked past the bound, and says so', async () => {
    const email = `locked.table.${randomUUID().slice(0, 8)}@example.com`;
    const { serve, answer } = await stopWhileWaiting(email, (client) =>
      client.query('LOCK TABLE suppressions IN ACCESS EXCLUSIVE MODE'),
    );
    const killer = setTimeout(() => serve.child.kill('SIGKILL'), 90_000);
    const code = await serve.exited;
    clearTimeout(killer);
    expect(serve.child.signalCode).toBeNull();
    expect(await answer).toEqual({ status: 503, retryAfter: '60' });
    expect(code).toBe(2);
    expect(serve.stderr).toContain(
      '1 unsubscribe(s) were answered 503 (try again): the database had not answered their write when serve stopped',
    );
    // The write left waiting may still land once the lock goes; never twice.
    await holder!.query('ROLLBACK');
    expect(await untilLockWaiters(holder!, (n) => n === 0)).toBe(0);
    expect(await suppressionsOf(holder!, email)).toBeLessThanOrEqual(1);
  }, 120_000);

  it('records the unsubscribe and answers done when the row lock goes within the bound', async () => {
    const email = `locked.row.${randomUUID().slice(0, 8)}@example.com`;
    const { serve, answer } = await stopWhileWaiting(email, (client) =>
      client.query(
        "INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, 'unsubscribe', 'one-click', $2)",
        [email, new Date().toISOString()],
      ),
    );
    for (let i = 0; i < 400 && !serve.stderr.includes('received SIGTERM'); i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(serve.stderr).toContain('received SIGTERM');
    await holder!.query('ROLLBACK');
    expect(await answer).toEqual({ status: 200, retryAfter: null });
    expect(await serve.exited).toBe(0);
    expect(serve.stdout).toContain('stopped');
    expect(serve.stderr).toContain('unsubscribed l••••@example.com');
    expect(await suppressionsOf(holder!, email)).toBe(1);
  }, 120_000);
});
