import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { useSendFixture } from '../helpers/send-fixture.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { useSmallDisk } from '../helpers/tmpfs.js';
import { sendEnv, sendFixture } from './_fixture.js';

/**
 * A really full disk: the state file on a 320 KB tmpfs. Needs `mount -t tmpfs` (root on Linux);
 * where that is not allowed it is reported as skipped outside CI (and fails under CI=true, where
 * it must run); disk-full-cli.test.ts covers the same stop through SQLite's own "database or disk is full".
 */

// Emptied after each test and unmounted after the last: a retry under CI finds it mounted and empty.
const disk = useSmallDisk('320k');
const mounted = disk.dir;
const opened = useSendFixture<TestSmtpServer>();

describe('a state file on a disk that fills up', () => {
  it.skipIf(!mounted && process.env.CI !== 'true')(
    'exits 3 with "disk is full"; every accepted message is recorded or printed',
    async () => {
      expect(mounted, 'mounting a small tmpfs needs root on Linux (mount -t tmpfs)').toBeDefined();
      opened.fixture = await sendFixture(150, { concurrency: 3 });
      opened.server = await startSmtpServer({ faults: { dataDelayMs: 5 } });
      const state = join(mounted!, 'state.db');
      const result = await runCli(['send', 'issues/2026-W48', '--subscribers', 'subscribers.json', '--state', state], {
        cwd: opened.fixture.dir,
        env: sendEnv(opened.server.url()),
      });
      expect(result.code, result.stderr).toBe(3);
      expect(result.stderr).toMatch(/rolecast send: the state file \S+ could not be written: database or disk is full/);
      expect(result.stderr).not.toMatch(/this is a bug|\n\s+at /);
      const listed = [...result.stdout.matchAll(/^ {2}(\S+@example\.test) <[^>]+>$/gm)].map((m) => m[1]!);
      const db = new Database(state, { readonly: true });
      const recorded = db.prepare("SELECT email FROM deliveries WHERE status = 'sent'").pluck().all() as string[];
      db.close();
      const accepted = (await opened.server.messages()).map((m) => m.envelope.to[0]!);
      expect(recorded.length).toBeGreaterThan(0);
      expect(listed.length).toBeLessThanOrEqual(3);
      expect([...recorded, ...listed].sort()).toEqual([...accepted].sort());
    },
  );
});
