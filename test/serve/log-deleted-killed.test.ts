import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSuppressed, openStateDb } from '../../src/send/store.js';
import { signToken } from '../../src/unsubscribe/token.js';
import { type RunningServe, startServe } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * A clean-up that deletes the state file's `-wal` and `-shm` under a running `serve`, and then
 * `serve` killed (SIGKILL: the OOM killer, a container stopped past its grace time) before it
 * closes. SQLite keeps a commit in the log until a checkpoint; `serve` wrote only a few pages, far
 * below the point where SQLite copies the log into the file by itself, so an unsubscribe answered
 * "done" lived only in the deleted log, and the next send, finding neither log nor index, mailed
 * the reader. Real `serve` process, real files.
 */

const SECRET = 'log-deleted-killed-secret-0123456789abcdef';
const READERS = ['ellen.park@example.com', 'sam.okafor@example.org'];

let project: TempProject;
let serve: RunningServe | undefined;

beforeEach(async () => {
  project = await tempProject({ withExample: true });
});

afterEach(async () => {
  if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
  await serve?.exited;
  serve = undefined;
  await project.cleanup();
});

async function unsubscribe(url: string, email: string): Promise<void> {
  const token = signToken({ email, listId: 'weekly.rolecast.example' }, SECRET);
  const response = await fetch(`${url}?token=${token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
  expect(response.status).toBe(200);
}

describe("serve's log and index deleted, then serve killed", () => {
  it('every unsubscribe it answered is in the state file the next command opens', async () => {
    serve = await startServe({ cwd: project.dir, env: { ROLECAST_SECRET: SECRET } });
    for (const email of READERS) await unsubscribe(serve.url, email);
    const state = join(project.dir, '.rolecast/state.db');
    rmSync(`${state}-wal`);
    rmSync(`${state}-shm`);
    serve.child.kill('SIGKILL');
    await serve.exited;

    const db = openStateDb(state);
    try {
      expect(READERS.filter((email) => isSuppressed(db, email))).toEqual(READERS);
    } finally {
      db.close();
    }
  });
});
