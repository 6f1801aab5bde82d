import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { browserClick, type RunningServe, startServe } from '../helpers/cli.js';
import { describePostgres, lockWaiters, useFreshDatabase } from '../helpers/postgres.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * `serve` stopped by SIGTERM writes the clicks it still holds once it takes no more requests. A
 * database that did not answer (a table locked by a long migration, a server gone quiet) held that
 * last write, and the close of its connections, without end: serve never stopped, and a service
 * manager killed it, clicks and all, without a word. The stop is now bounded, says what was not
 * written, and still writes every click the database takes meanwhile.
 */

const SECRET = 'serve-stop-secret-0123456789abcdefghijk';

async function clicksOf(client: pg.Client, summaryId: string): Promise<number> {
  const { rows } = await client.query('SELECT count(*) AS n FROM clicks WHERE summary_id = $1', [summaryId]);
  return Number(rows[0].n);
}

describePostgres('serve stopped while the database does not answer', () => {
  const databaseUrl = useFreshDatabase('serve_stop');
  let project: TempProject;
  let running: RunningServe | undefined;
  let holder: pg.Client | undefined;
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
    const config = JSON.parse(await readFile(project.path('rolecast.config.json'), 'utf8'));
    await writeFile(project.path('rolecast.config.json'), JSON.stringify({ ...config, tracking: { clicks: true } }));
  });
  afterEach(async () => {
    await holder?.end();
    holder = undefined;
    running?.child.kill('SIGKILL');
    await running?.exited;
    running = undefined;
    await project.cleanup();
  });

  /** Serve, one click it answered and holds, a request left hanging, and SIGTERM. */
  async function stopWhileHeld(summaryId: string): Promise<RunningServe> {
    running = await startServe({
      cwd: project.dir,
      env: { ROLECAST_SECRET: SECRET, DATABASE_URL: databaseUrl() },
      until: 'health check',
    });
    holder = new pg.Client({ connectionString: databaseUrl() });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE clicks IN ACCESS EXCLUSIVE MODE');
    const origin = new URL(running.url).origin;
    expect(await browserClick(origin, SECRET, summaryId)).toBe(302);
    // A request whose headers never end: the server must not wait for it to stop.
    const hanging = connect(Number(new URL(origin).port), '127.0.0.1');
    hanging.on('error', () => undefined);
    hanging.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // The click's row waits on the lock.
    for (let i = 0; i < 400 && (await lockWaiters(holder)) < 1; i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await lockWaiters(holder)).toBe(1);
    running.child.kill('SIGTERM');
    return running;
  }

  it('stops on its own after its bound, naming the click it could not write', async () => {
    const summaryId = `held-${randomUUID()}`;
    const serve = await stopWhileHeld(summaryId);
    // Never answered: serve must end by itself, not by this kill.
    const killer = setTimeout(() => serve.child.kill('SIGKILL'), 90_000);
    const code = await serve.exited;
    clearTimeout(killer);
    expect(serve.child.signalCode).toBeNull();
    expect(code).toBe(2);
    expect(serve.stderr).toContain(
      '1 click(s) may not be counted: the database had not answered their write when serve stopped',
    );
    expect(serve.stderr).toContain(
      'rolecast serve: the database did not answer within 5 s of the stop: serve stopped without it',
    );
    // What "may not be counted" promises: once the lock is gone, the write serve left waiting may
    // still land (here it does: the database already had it), but the click is counted once at most.
    // Read while the lock was still held, the count could only be 0.
    await holder!.query('ROLLBACK');
    for (let i = 0; i < 400 && (await lockWaiters(holder!)) > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await lockWaiters(holder!)).toBe(0);
    expect(await clicksOf(holder!, summaryId)).toBeLessThanOrEqual(1);
  }, 120_000);

  it('writes the click once the database answers within the bound, and stops cleanly', async () => {
    const summaryId = `answered-${randomUUID()}`;
    const serve = await stopWhileHeld(summaryId);
    for (let i = 0; i < 400 && !serve.stderr.includes('received SIGTERM'); i++)
      await new Promise((resolve) => setTimeout(resolve, 25));
    await holder!.query('ROLLBACK');
    const code = await serve.exited;
    expect(code).toBe(0);
    expect(serve.stdout).toContain('stopped');
    expect(await clicksOf(holder!, summaryId)).toBe(1);
  }, 120_000);
});
