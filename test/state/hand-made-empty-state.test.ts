import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

/**
 * A state folder emptied after a send, then given a new, empty SQLite file by hand (`sqlite3
 * state.db 'VACUUM'`, a tool that makes the file before anything writes to it): not 0 bytes, so it
 * was read as a state file never written, and the next send mailed every reader again.
 */

let server: TestSmtpServer | undefined;
let fixture: SendFixture | undefined;
let cacheDir: string | undefined;

afterEach(async () => {
  await server?.close();
  await fixture?.cleanup();
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  server = undefined;
  fixture = undefined;
  cacheDir = undefined;
});

const SEND = ['send', 'issues/2026-W48', '--subscribers', 'subscribers.json'];

async function sentOnce(): Promise<NodeJS.ProcessEnv> {
  fixture = await sendFixture(4);
  server = await startSmtpServer();
  cacheDir = mkdtempSync(join(tmpdir(), 'rolecast-cache-handmade-'));
  const env = { ...sendEnv(server.url()), ROLECAST_CACHE_DIR: cacheDir };
  const first = await runCli(SEND, { cwd: fixture.dir, env });
  expect(first.code, first.stderr).toBe(0);
  expect((await server.messages()).length).toBe((await eligible(fixture)).length);
  return env;
}

function emptyStateFolder(): void {
  const folder = fixture!.temp.path('.rolecast');
  for (const name of readdirSync(folder)) rmSync(join(folder, name), { recursive: true, force: true });
}

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
    const env = await sentOnce();
    const before = (await server!.messages()).length;
    emptyStateFolder();
    const state = fixture!.temp.path('.rolecast/state.db');
    handMadeEmptyFile(state);

    const dry = await runCli([...SEND, '--dry-run'], { cwd: fixture!.dir, env });
    expect(dry.code, dry.stderr).toBe(2);
    expect(dry.stderr).toContain(`the state file ${state} is missing (or empty)`);
    const again = await runCli(SEND, { cwd: fixture!.dir, env });
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toContain('delete ');
    expect(again.stderr).toContain(`the state file ${state} is missing (or empty)`);
    expect((await server!.messages()).length).toBe(before);
  });
});
