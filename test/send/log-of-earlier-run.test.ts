import { copyFileSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { sendEnv } from './_fixture.js';
import { expectSendAndReadRefused, killAndCount, killHarness, tally } from './_killed-send.js';

/**
 * A state file written on past the write-ahead log an earlier run of it left (a send killed mid-run,
 * its log copied aside, then put back beside the file after later runs: a backup of the -wal alone,
 * a state folder put together from two copies). SQLite lays the log's pages over newer ones: the
 * readers sent since read as never sent, and the first command to close the file writes that in.
 */

const harness = killHarness();
const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a write-ahead log of an earlier run beside a later state file', { timeout: 180_000 }, () => {
  for (const notes of ['kept', 'gone'] as const)
    it(`is refused, exit 2, naming both files, the file left as it was (its notes ${notes})`, async () => {
      const { fixture, sink, startWith, stateFile, readers } = await harness.setUp();
      const cacheDir = mkdtempSync(join(tmpdir(), 'rolecast-earlier-log-cache-'));
      folders.push(cacheDir);
      const env = { ...sendEnv(sink.server.url()), ROLECAST_CACHE_DIR: cacheDir };
      const cli = (args: string[]) => runCli(args, { cwd: fixture.dir, env });
      const run = () => startWith({ ROLECAST_CACHE_DIR: cacheDir });
      await killAndCount(sink, run, stateFile, 3, (moment, n) => moment === 'accepted' && n === 4);
      const wal = `${stateFile}-wal`;
      expect(existsSync(wal)).toBe(true);
      copyFileSync(wal, `${stateFile}.earlier-wal`);
      // Unsubscribed after that log was written, and not mailed before it.
      const mailedSoFar = new Set(await sink.accepted());
      const late = readers.find((r) => !mailedSoFar.has(r))!;
      expect((await cli(['suppress', 'add', late])).code).toBe(0);
      const finished = await run().done;
      expect(finished.code, finished.stderr).toBe(0);
      expect(existsSync(wal)).toBe(false);
      const mailed = sink.server.counts.accepted;

      if (notes === 'gone') {
        // Another user's cache folder, or notes removed: only the file and its log tell.
        rmSync(`${stateFile}.generation`, { force: true });
        rmSync(cacheDir, { recursive: true, force: true });
      }
      copyFileSync(`${stateFile}.earlier-wal`, wal);
      rmSync(`${stateFile}-shm`, { force: true });
      await expectSendAndReadRefused(cli, `the state file ${stateFile} is newer than its write-ahead log ${wal}`);
      expect(sink.server.counts.accepted).toBe(mailed);

      // As the message says: the log moved aside, the file goes on as it was, mailing nobody again.
      renameSync(wal, `${wal}.aside`);
      rmSync(`${stateFile}-shm`, { force: true });
      const again = await cli(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json']);
      expect(again.code, again.stderr).toBe(0);
      const counts = tally(await sink.accepted());
      expect(counts.has(late)).toBe(false);
      expect(sink.server.counts.accepted).toBe(mailed);
    });
});
