import { mkdirSync, symlinkSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sendIssue } from '../../src/send/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { startUnsubscribeServer, stateSuppressionList } from '../../src/serve/index.js';
import { postOneClick, useServeProject } from '../helpers/serve-project.js';

/**
 * A state file reached through a symbolic link by one command and by its own path by another: an
 * unsubscribe `serve` could only journal must be found by the send, whichever way each names the file.
 */

const SECRET = 'journal-link-secret-0123456789abcdef';
const READER = 'priya.raman@example.com';

let db: StateDb | undefined;
let locker: Database.Database | undefined;

const serve = useServeProject(() => {
  locker?.close();
  db?.close();
  db = locker = undefined;
});

describe('the unsubscribe journal of a state file reached through a link', () => {
  it('journaled by a serve that opened the link, applied by a send given the file itself', async () => {
    const { project, config, stateFile: link } = serve;
    const real = project.path('data/state.db');
    mkdirSync(project.path('data'));
    mkdirSync(config.stateDirAbs, { recursive: true });
    symlinkSync(real, link);
    db = openStateDb(link);
    const server = await startUnsubscribeServer({
      config,
      secret: SECRET,
      suppressions: stateSuppressionList(db, { writeWaitMs: 100 }),
      port: 0,
      replayIntervalMs: 60_000,
    });
    serve.server = server;
    // Another program holds the file: the unsubscribe can only be journaled.
    locker = new Database(real);
    locker.exec('BEGIN EXCLUSIVE');
    const response = await postOneClick(server, config, SECRET, READER);
    expect(response.status).toBe(200);
    await server.close();
    serve.server = undefined;
    locker.exec('ROLLBACK');

    const outbox = project.path('outbox');
    const report = await sendIssue({
      issueDir: 'issues/2026-W48',
      subscribersFile: 'subscribers.example.json',
      cwd: project.dir,
      env: { ROLECAST_SECRET: SECRET },
      stateFile: real,
      outbox,
    });
    expect(await readdir(outbox)).not.toContain(`${READER}.eml`);
    expect(report.total.skipped.suppressed).toBe(1);
  });
});
