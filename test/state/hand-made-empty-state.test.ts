import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { SEND, useSentOnce } from '../helpers/sent-once.js';

/**
 * A state folder emptied after a send, then given a new, empty SQLite file by hand (`sqlite3
 * state.db 'VACUUM'`, a tool that makes the file before anything writes to it): not 0 bytes, so it
 * was read as a state file never written, and the next send mailed every reader again.
 */

const sent = useSentOnce(4);

/** A SQLite file with a page but no table, as `sqlite3 state.db 'VACUUM'` leaves. */
function handMadeEmptyFile(path: string): void {
  const db = new Database(path);
  db.pragma('user_version = 0');
  db.exec('CREATE TABLE t (x); DROP TABLE t');
  db.close();
  expect(statSync(path).size).toBeGreaterThan(0);
}

describe('an emptied state folder given a new empty SQLite file by hand', () => {
  it('is refused by send and a dry run (exit 2), and nobody is mailed again', async () => {
    const env = await sent.sentOnce();
    const before = (await sent.server.messages()).length;
    sent.emptyStateFolder();
    const state = sent.fixture.temp.path('.rolecast/state.db');
    handMadeEmptyFile(state);

    const dry = await runCli([...SEND, '--dry-run'], { cwd: sent.fixture.dir, env });
    expect(dry.code, dry.stderr).toBe(2);
    expect(dry.stderr).toContain(`the state file ${state} is missing (or empty)`);
    const again = await runCli(SEND, { cwd: sent.fixture.dir, env });
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toContain('delete ');
    expect(again.stderr).toContain(`the state file ${state} is missing (or empty)`);
    expect((await sent.server.messages()).length).toBe(before);
  });
});
