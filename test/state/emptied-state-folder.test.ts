import { mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { eligible, type SendFixture, sendEnv, sendFixture } from '../send/_fixture.js';

/**
 * A state folder emptied of its file and the note beside it (`rm -rf .rolecast/*`, a container
 * volume lost, a checkout into a new folder at the same path) was opened as a new state: the next
 * send mailed every reader of an issue already sent again, with exit 0, and forgot every
 * unsubscribe. The note in the cache folder says a state file with records lived at that path.
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
  fixture = await sendFixture(6);
  server = await startSmtpServer();
  cacheDir = mkdtempSync(join(tmpdir(), 'rolecast-cache-emptied-'));
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

function pathNotes(): string[] {
  return readdirSync(join(cacheDir!, 'state-notes')).filter((name) => name.endsWith('.path.json'));
}

describe('a state folder emptied after a send', () => {
  it('is refused (exit 2) naming the file and the note, and nobody is mailed again', async () => {
    const env = await sentOnce();
    const before = (await server!.messages()).length;
    emptyStateFolder();
    const state = fixture!.temp.path('.rolecast/state.db');

    const again = await runCli(SEND, { cwd: fixture!.dir, env });
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toContain(`the state file ${state} is missing (or empty)`);
    expect(again.stderr).toContain(join(cacheDir!, 'state-notes'));
    expect(again.stderr).toMatch(/the last noted at \d{4}-\d\d-\d\dT/);
    expect(again.stderr).toContain('restore the state folder from a backup');
    expect(again.stderr).toContain('nothing was sent');
    expect((await server!.messages()).length).toBe(before);

    // A dry run says the same, and a file cut to 0 bytes counts as gone.
    const dry = await runCli([...SEND, '--dry-run'], { cwd: fixture!.dir, env });
    expect(dry.code, dry.stderr).toBe(2);
    expect(dry.stderr).toContain(`the state file ${state} is missing (or empty)`);
    await fixture!.temp.write('.rolecast/state.db', '');
    const empty = await runCli(SEND, { cwd: fixture!.dir, env });
    expect(empty.code, empty.stderr).toBe(2);
    expect(empty.stderr).toContain(`the state file ${state} is missing (or empty)`);
    expect((await server!.messages()).length).toBe(before);
  });

  it('starts afresh once the note the message names is deleted, mailing every reader', async () => {
    const env = await sentOnce();
    const before = (await server!.messages()).length;
    emptyStateFolder();
    const refused = await runCli(SEND, { cwd: fixture!.dir, env });
    expect(refused.code).toBe(2);
    const [note] = pathNotes();
    expect(refused.stderr).toContain(`delete ${join(cacheDir!, 'state-notes', note!)}`);
    rmSync(join(cacheDir!, 'state-notes', note!));

    const fresh = await runCli(SEND, { cwd: fixture!.dir, env });
    expect(fresh.code, fresh.stderr).toBe(0);
    expect((await server!.messages()).length).toBe(before * 2);
    // The new file is noted in turn: emptied again, it is refused again.
    expect(pathNotes()).toHaveLength(1);
  });
});

describe('where no state file with records was', () => {
  it('a first send needs no extra step, and its folder moved elsewhere and named with --state is used at once', async () => {
    const env = await sentOnce();
    expect(pathNotes()).toHaveLength(1);
    const before = (await server!.messages()).length;
    const moved = fixture!.temp.path('elsewhere');
    renameSync(fixture!.temp.path('.rolecast'), moved);

    const again = await runCli([...SEND, '--state', join(moved, 'state.db')], { cwd: fixture!.dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect((await server!.messages()).length).toBe(before);
  });
});
