import { mkdirSync, symlinkSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { ResolvedConfig } from '../../src/config/schema.js';
import { sendIssue } from '../../src/send/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';
import { startUnsubscribeServer, stateSuppressionList, type UnsubscribeServer } from '../../src/serve/index.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { postOneClick } from '../helpers/serve-project.js';

/**
 * A state file reached through a symbolic link by one command and by its own path by another: an
 * unsubscribe `serve` could only journal must be found by the send, whichever way each names the file.
 */

const SECRET = 'journal-link-secret-0123456789abcdef';
const READER = 'priya.raman@example.com';

let project: TempProject;
let config: ResolvedConfig;
let db: StateDb | undefined;
let locker: Database.Database | undefined;
let server: UnsubscribeServer | undefined;

beforeEach(async () => {
  project = await tempProject({ withExample: true });
  config = await loadConfig({ cwd: project.dir });
});

afterEach(async () => {
  await server?.close();
  locker?.close();
  db?.close();
  server = db = locker = undefined;
  await project.cleanup();
});

describe('the unsubscribe journal of a state file reached through a link', () => {
  it('journaled by a serve that opened the link, applied by a send given the file itself', async () => {
    const real = project.path('data/state.db');
    mkdirSync(project.path('data'));
    mkdirSync(config.stateDirAbs, { recursive: true });
    const link = join(config.stateDirAbs, 'state.db');
    symlinkSync(real, link);
    db = openStateDb(link);
    server = await startUnsubscribeServer({
      config,
      secret: SECRET,
      suppressions: stateSuppressionList(db, { writeWaitMs: 100 }),
      port: 0,
      replayIntervalMs: 60_000,
    });
    // Another program holds the file: the unsubscribe can only be journaled.
    locker = new Database(real);
    locker.exec('BEGIN EXCLUSIVE');
    const response = await postOneClick(server, config, SECRET, READER);
    expect(response.status).toBe(200);
    await server.close();
    server = undefined;
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
