import { copyFileSync, existsSync, renameSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { sendEnv } from './_fixture.js';
import { expectEachOnce, expectSendAndReadRefused, killAndCount, killHarness, tally } from './_killed-send.js';

/**
 * A state file put back from an earlier copy of itself (a backup, a `cp` taken before later sends)
 * with the write-ahead log a later run of the same file left beside it: the log holds only the pages
 * that run wrote, so SQLite lays it over pages older than those it was written after, and a
 * suppression (or a "sent" row) recorded in between and already in the file is gone. The id and the
 * count read through the log are the newest ones, so neither tells.
 */

const harness = killHarness();

describe('a write-ahead log beside an earlier copy of its own state file', { timeout: 180_000 }, () => {
  it('is refused, exit 2, naming both files, and nothing is sent; the newest copy put back goes on', async () => {
    const { fixture, sink, start, stateFile, readers } = await harness.setUp();
    const cli = (args: string[]) => runCli(args, { cwd: fixture.dir, env: sendEnv(sink.server.url()) });
    const [early, later] = [readers[0]!, readers[5]!];
    expect((await cli(['suppress', 'add', early])).code).toBe(0);
    copyFileSync(stateFile, `${stateFile}.backup`);
    // Recorded after the backup, and copied into the file as that command closed.
    expect((await cli(['suppress', 'add', later])).code).toBe(0);
    await killAndCount(sink, start, stateFile, 3, (moment, n) => moment === 'accepted' && n === 4);
    const wal = `${stateFile}-wal`;
    expect(existsSync(wal)).toBe(true);
    const mailed = sink.server.counts.accepted;

    // The backup put back over the file; the log the killed send left stays beside it.
    copyFileSync(stateFile, `${stateFile}.newest`);
    copyFileSync(`${stateFile}.backup`, stateFile);
    await expectSendAndReadRefused(cli, `the state file ${stateFile} is older than its write-ahead log ${wal}`);
    expect(sink.server.counts.accepted).toBe(mailed);

    // As the message says: the copy the log was written after, put back, goes on where the send stopped.
    renameSync(`${stateFile}.newest`, stateFile);
    const resumed = await start().done;
    expect(resumed.code, resumed.stderr).toBe(0);
    const counts = tally(await sink.accepted());
    expect(counts.has(early)).toBe(false);
    expect(counts.has(later)).toBe(false);
  });

  it('left by a send of the same file killed mid-run, the file not replaced: taken, the send goes on', async () => {
    const { fixture, sink, start, stateFile, readers } = await harness.setUp();
    const cli = (args: string[]) => runCli(args, { cwd: fixture.dir, env: sendEnv(sink.server.url()) });
    const suppressed = readers[5]!;
    expect((await cli(['suppress', 'add', suppressed])).code).toBe(0);
    const missed = await killAndCount(sink, start, stateFile, 3, (moment, n) => moment === 'accepted' && n === 4);
    expect(existsSync(`${stateFile}-wal`)).toBe(true);
    // A second kill in the run that takes that log up: the log it leaves is taken as well.
    const missedAgain = await killAndCount(sink, start, stateFile, 3, (moment, n) => moment === 'accepted' && n === 12);

    const resumed = await start().done;
    expect(resumed.code, resumed.stderr).toBe(0);
    await expectEachOnce(
      sink,
      readers.filter((r) => r !== suppressed),
      [missed, missedAgain],
    );
  });
});
