import { readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { SEND, useSentOnce } from '../helpers/sent-once.js';

/**
 * A state folder emptied of its file and the note beside it (`rm -rf .rolecast/*`, a container
 * volume lost, a checkout into a new folder at the same path) was opened as a new state: the next
 * send mailed every reader of an issue already sent again, with exit 0, and forgot every
 * unsubscribe. The note in the cache folder says a state file with records lived at that path.
 */

const sent = useSentOnce(6);

function pathNotes(): string[] {
  return readdirSync(join(sent.cacheDir, 'state-notes')).filter((name) => name.endsWith('.path.json'));
}

describe('a state folder emptied after a send', () => {
  it('is refused (exit 2) naming the file and the note, and nobody is mailed again', async () => {
    const env = await sent.sentOnce();
    const before = (await sent.server.messages()).length;
    sent.emptyStateFolder();
    const state = sent.fixture.temp.path('.rolecast/state.db');

    const again = await runCli(SEND, { cwd: sent.fixture.dir, env });
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr).toContain(`the state file ${state} is missing (or empty)`);
    expect(again.stderr).toContain(join(sent.cacheDir, 'state-notes'));
    expect(again.stderr).toMatch(/the last noted at \d{4}-\d\d-\d\dT/);
    expect(again.stderr).toContain('restore the state folder from a backup');
    expect(again.stderr).toContain('nothing was sent');
    expect((await sent.server.messages()).length).toBe(before);

    // A dry run says the same, and a file cut to 0 bytes counts as gone.
    const dry = await runCli([...SEND, '--dry-run'], { cwd: sent.fixture.dir, env });
    expect(dry.code, dry.stderr).toBe(2);
    expect(dry.stderr).toContain(`the state file ${state} is missing (or empty)`);
    await sent.fixture.temp.write('.rolecast/state.db', '');
    const empty = await runCli(SEND, { cwd: sent.fixture.dir, env });
    expect(empty.code, empty.stderr).toBe(2);
    expect(empty.stderr).toContain(`the state file ${state} is missing (or empty)`);
    expect((await sent.server.messages()).length).toBe(before);
  });

  it('starts afresh once the note the message names is deleted, mailing every reader', async () => {
    const env = await sent.sentOnce();
    const before = (await sent.server.messages()).length;
    sent.emptyStateFolder();
    const refused = await runCli(SEND, { cwd: sent.fixture.dir, env });
    expect(refused.code).toBe(2);
    const [note] = pathNotes();
    expect(refused.stderr).toContain(`delete ${join(sent.cacheDir, 'state-notes', note!)}`);
    rmSync(join(sent.cacheDir, 'state-notes', note!));

    const fresh = await runCli(SEND, { cwd: sent.fixture.dir, env });
    expect(fresh.code, fresh.stderr).toBe(0);
    expect((await sent.server.messages()).length).toBe(before * 2);
    // The new file is noted in turn: emptied again, it is refused again.
    expect(pathNotes()).toHaveLength(1);
  });
});

describe('where no state file with records was', () => {
  it('a first send needs no extra step, and its folder moved elsewhere and named with --state is used at once', async () => {
    const env = await sent.sentOnce();
    expect(pathNotes()).toHaveLength(1);
    const before = (await sent.server.messages()).length;
    const moved = sent.fixture.temp.path('elsewhere');
    renameSync(sent.fixture.temp.path('.rolecast'), moved);

    const again = await runCli([...SEND, '--state', join(moved, 'state.db')], { cwd: sent.fixture.dir, env });
    expect(again.code, again.stderr).toBe(0);
    expect((await sent.server.messages()).length).toBe(before);
  });
});
