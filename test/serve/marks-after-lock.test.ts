import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { oneClickUnsubscribe, type RunningServe, runCli, startServe } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { withoutMarks } from '../helpers/state-db.js';
import { until } from '../send/_waiting.js';

/**
 * A `serve` whose first start after an upgrade found the state file locked by another command (a
 * send, an import) could not add the marks every table's writes leave on the file's id row (see
 * send/log-origin.ts), and went on without them until some later command added them: a log of
 * another state file holding only what serve wrote (a click) then read as this file's own. Serve
 * now says so and adds them at its next write once the lock is gone. Real serve, real lock.
 */

const SECRET = 'marks-after-lock-secret-0123456789abcdef';

let project: TempProject;
let serve: RunningServe | undefined;
let holder: Database.Database | undefined;

beforeEach(async () => {
  project = await tempProject({ withExample: true });
});

afterEach(async () => {
  holder?.close();
  holder = undefined;
  if (serve && serve.child.exitCode === null && serve.child.signalCode === null) serve.child.kill('SIGKILL');
  await serve?.exited;
  serve = undefined;
  await project.cleanup();
});

function marksIn(state: string): { triggers: number; columns: string[] } {
  const db = new Database(state, { readonly: true });
  try {
    return {
      triggers: db
        .prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'state_mark_%'")
        .pluck()
        .get() as number,
      columns: db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('state_generation') as string[],
    };
  } finally {
    db.close();
  }
}

describe('serve started while another command held the state file after an upgrade', () => {
  it('says the marks are not in the file yet and adds them at its next write once the lock is gone', async () => {
    const state = join(project.dir, '.rolecast/state.db');
    const env = { ROLECAST_SECRET: SECRET };
    expect((await runCli(['suppress', 'add', 'someone@example.com'], { cwd: project.dir, env })).code).toBe(0);
    withoutMarks(state);

    // Another command writing (a long import) holds the write lock while serve starts.
    holder = new Database(state);
    holder.exec('BEGIN IMMEDIATE');
    serve = await startServe({ cwd: project.dir, env });
    const running = serve;
    await until(
      () => running.stderr.includes(`the state file ${state} was being written by another command`),
      'the notice',
    );
    holder.exec('COMMIT');
    holder.close();
    holder = undefined;

    const response = await oneClickUnsubscribe(serve, 'ellen.park@example.com', SECRET);
    expect(response.status).toBe(200);

    const after = marksIn(state);
    expect(after.triggers).toBeGreaterThan(0);
    expect(after.columns).toEqual(expect.arrayContaining(['log_mark', 'log_base']));
    // A click written now rewrites the id row, as on a file that had the marks from the start.
    const db = new Database(state);
    try {
      const mark = () => db.prepare('SELECT log_mark FROM state_generation').pluck().get() as number;
      const before = mark();
      db.prepare(
        "INSERT INTO clicks (issue_id, summary_id, role, variant_id, kind, target, clicked_at, first) VALUES ('w', 's1', 'cto', 'v1', 'link', 'https://example.test/', ?, 1)",
      ).run(new Date().toISOString());
      expect(mark()).toBe(before + 1);
    } finally {
      db.close();
    }
  });
});
