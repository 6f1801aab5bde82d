import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { openStateDb } from '../../src/send/store.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { browserClick, type RunningServe, startServe } from '../helpers/cli.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * A stop's steps (answering the requests under way, writing the clicks serve holds, closing the
 * database) shared one 5 s bound one after the other: requests that took it all left the clicks no
 * time (on SQLite they had one try in any case, so a send's commit at that moment lost them), and
 * the close raced a bound already spent, so a PostgreSQL that answered at once ended serve with
 * exit 2. Each step after the requests now has a share of its own.
 */

const SECRET = 'serve-stop-shares-secret-0123456789abc';
const LIST = 'weekly.rolecast.example';

let project: TempProject;
let running: RunningServe | undefined;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  const config = JSON.parse(await readFile(project.path('rolecast.config.json'), 'utf8'));
  await writeFile(project.path('rolecast.config.json'), JSON.stringify({ ...config, tracking: { clicks: true } }));
});
afterEach(async () => {
  running?.child.kill('SIGKILL');
  await running?.exited;
  running = undefined;
  await project.cleanup();
});

async function untilLogged(serve: RunningServe, text: string): Promise<void> {
  for (let i = 0; i < 2_000 && !serve.stderr.includes(text); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(serve.stderr, serve.stderr).toContain(text);
}

const click = (serve: RunningServe, summaryId: string) => browserClick(new URL(serve.url).origin, SECRET, summaryId);

/** Posts a one-click unsubscribe and returns its answer's status once it comes (0: cut). */
async function oneClick(serve: RunningServe, email: string): Promise<{ answer: Promise<number> }> {
  const answer = fetch(`${serve.url}?token=${signToken({ email, listId: LIST }, SECRET)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  }).then(
    (response) => response.status,
    () => 0,
  );
  // Answered after the POST was sent: the POST has reached serve by then.
  expect((await fetch(`${new URL(serve.url).origin}/healthz`)).status).toBe(200);
  return { answer };
}

describe('serve on SQLite stopped while a send holds the state file', () => {
  let holder: InstanceType<typeof Database> | undefined;
  afterEach(() => {
    if (holder?.inTransaction) holder.exec('ROLLBACK');
    holder?.close();
    holder = undefined;
  });

  async function serveHeld(): Promise<{ serve: RunningServe; clicks: () => number }> {
    const config = await loadConfig({ cwd: project.dir });
    const file = join(config.stateDirAbs, 'state.db');
    openStateDb(file).close();
    running = await startServe({ cwd: project.dir, env: { ROLECAST_SECRET: SECRET }, until: 'health check' });
    const db = new Database(file);
    holder = db;
    db.exec('BEGIN IMMEDIATE');
    return { serve: running, clicks: () => db.prepare('SELECT count(*) FROM clicks').pluck().get() as number };
  }

  it('writes a click held in memory once the send lets go during the stop', async () => {
    const { serve, clicks } = await serveHeld();
    expect(await click(serve, 'held-by-send')).toBe(302);
    serve.child.kill('SIGTERM');
    await untilLogged(serve, 'received SIGTERM');
    holder!.exec('ROLLBACK');
    expect(await serve.exited).toBe(0);
    expect(serve.stderr).not.toContain('not counted');
    expect(clicks()).toBe(1);
  }, 120_000);

  it('still writes the click after an unsubscribe under way took the stop its time', async () => {
    const { serve, clicks } = await serveHeld();
    expect(await click(serve, 'held-behind-unsubscribe')).toBe(302);
    const { answer } = await oneClick(serve, `held.${randomUUID().slice(0, 8)}@example.com`);
    serve.child.kill('SIGTERM');
    // Journaled and answered done, or answered 503 at the bound: either way the clicks come next.
    expect([200, 503]).toContain(await answer);
    holder!.exec('ROLLBACK');
    expect(await serve.exited).toBe(0);
    expect(serve.stderr).not.toContain('not counted');
    expect(clicks()).toBe(1);
  }, 120_000);
});

describePostgres('serve on PostgreSQL stopped while an unsubscribe waits past the bound', () => {
  const databaseUrl = useFreshDatabase('serve_stop_shares');
  let holder: pg.Client | undefined;
  afterEach(async () => {
    await holder?.end();
    holder = undefined;
  });

  it('exits 0 when the database answers once the requests are answered', async () => {
    running = await startServe({
      cwd: project.dir,
      env: { ROLECAST_SECRET: SECRET, DATABASE_URL: databaseUrl() },
      until: 'health check',
    });
    const serve = running;
    const email = `row.${randomUUID().slice(0, 8)}@example.com`;
    holder = new pg.Client({ connectionString: databaseUrl() });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query(
      "INSERT INTO suppressions (email, reason, source, created_at) VALUES ($1, 'unsubscribe', 'one-click', $2)",
      [email, new Date().toISOString()],
    );
    const { answer } = await oneClick(serve, email);
    serve.child.kill('SIGTERM');
    await untilLogged(serve, '1 unsubscribe(s) were answered 503 (try again)');
    await holder.query('ROLLBACK');
    expect(await answer).toBe(503);
    expect(await serve.exited).toBe(0);
    expect(serve.stderr).not.toContain('did not answer');
    expect(serve.stdout).toContain('stopped');
    // The write left waiting landed once the row was free: the provider's retry finds it.
    const { rows } = await holder.query('SELECT count(*) AS n FROM suppressions WHERE email = $1', [email]);
    expect(Number(rows[0].n)).toBe(1);
  }, 120_000);
});
