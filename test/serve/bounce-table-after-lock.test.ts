import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteBounceStore } from '../../src/bounces/store-sqlite.js';
import { hasTable } from '../../src/db/sqlite-tables.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { oneClickUnsubscribe, type RunningServe, runCli, startServe } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * A `serve` started on a state file that never had the bounce events table (every file a send or
 * `suppress add` wrote before any bounce) while another command held its write lock stopped with
 * "unexpected error — this is a bug … database is locked": the table was created as serve opened
 * its store, after it had set its wait for a busy file to zero. The table now comes with the first
 * bounce write, under that write's wait. Real serve, real lock.
 */

const SECRET = 'bounce-table-after-lock-secret-0123456789';

let project: TempProject;
let serve: RunningServe | undefined;
let holder: Database.Database | undefined;
let db: StateDb | undefined;

beforeEach(async () => {
  project = await tempProject({ withExample: true });
});

afterEach(async () => {
  holder?.close();
  db?.close();
  holder = db = undefined;
  if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
  await serve?.exited;
  serve = undefined;
  await project.cleanup();
});

function holdWriteLock(state: string): Database.Database {
  const held = new Database(state);
  held.exec('BEGIN IMMEDIATE');
  return held;
}

describe('serve started while another command holds a state file without the bounce events table', () => {
  it('starts and answers an unsubscribe once the lock is gone', async () => {
    const state = join(project.dir, '.rolecast/state.db');
    const env = { ROLECAST_SECRET: SECRET };
    expect((await runCli(['suppress', 'add', 'someone@example.com'], { cwd: project.dir, env })).code).toBe(0);
    const check = new Database(state, { readonly: true });
    expect(hasTable(check, 'bounce_events')).toBe(false);
    check.close();

    holder = holdWriteLock(state);
    serve = await startServe({ cwd: project.dir, env });
    expect((await fetch(`${serve.url.replace('/unsubscribe', '')}/healthz`)).status).toBe(200);
    holder.exec('COMMIT');
    holder.close();
    holder = undefined;

    const response = await oneClickUnsubscribe(serve, 'ellen.park@example.com', SECRET);
    expect(response.status).toBe(200);
    expect(serve.stderr).not.toContain('this is a bug');
  });

  it('reads no events while the table is missing and creates it with the first bounce written', async () => {
    const state = join(project.dir, '.rolecast/state.db');
    openStateDb(state).close();
    holder = holdWriteLock(state);
    db = openStateDb(state);
    db.pragma('busy_timeout = 0');
    const store = sqliteBounceStore(db, { busyWaitMs: 5_000 });
    expect(await store.events()).toEqual([]);
    expect(await store.hasEvent('evt-1')).toBe(false);
    holder.exec('COMMIT');
    holder.close();
    holder = undefined;

    await store.transaction(async () => {
      await store.insertEvent({
        eventId: 'evt-1',
        issueId: '2026-W48',
        email: 'ellen.park@example.com',
        kind: 'hard',
        status: '5.1.1',
        diagnostic: '550 5.1.1 no such user',
        source: 'webhook:test',
        outcome: 'suppressed',
        occurredAt: '2026-12-01T10:00:00.000Z',
        recordedAt: '2026-12-01T10:00:01.000Z',
      });
    });
    expect(hasTable(db, 'bounce_events')).toBe(true);
    expect(await store.hasEvent('evt-1')).toBe(true);
  });
});
