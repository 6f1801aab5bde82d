import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DateTime } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/**
 * A scheduled send (`--at … --local`) waits hours between its waves, holding the state file open.
 * The first wave's ledger rows stay in the write-ahead log (the wave's own connection is not the
 * last to close, so nothing copies them into the file). A clean-up deleting `state.db-wal` and
 * `-shm` during that wait, then the process killed (a reboot, the OOM killer): the next run found
 * neither log nor index and mailed the first wave's readers again. The wait now checks the file
 * each second, as a send does while it runs: what the log held is copied into the file at the path
 * and the run stops. Real CLI process, real files.
 */

const require = createRequire(import.meta.url);
const driver = require.resolve('better-sqlite3');

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(async () => {
  await project.cleanup();
});

/** The readers recorded as sent in the file at the path, read by a process of its own, as the next run would. */
function sentInFileAtPath(file: string): string[] {
  const script = `
    const Database = require(${JSON.stringify(driver)});
    const db = new Database(${JSON.stringify(file)}, { fileMustExist: true, readonly: ${!existsSync(`${file}-shm`)} });
    process.stdout.write(JSON.stringify(db.prepare("SELECT email FROM deliveries WHERE status = 'sent' ORDER BY email").pluck().all()));
    db.close();
  `;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  expect(child.stderr).toBe('');
  return JSON.parse(child.stdout) as string[];
}

describe("a scheduled send's log deleted while it waits for the next wave", () => {
  it("keeps the first wave's records in the file at the path", async () => {
    // A state file from earlier commands, its tables in the file.
    expect((await runCli(['suppress', 'add', 'left.long.ago@example.net'], { cwd: project.dir })).code).toBe(0);
    // The wave of Sydney's readers a minute ago (sent at once with --send-missed), the next ones hours away.
    const at = DateTime.now().setZone('Australia/Sydney').minus({ minutes: 1 }).toFormat("yyyy-MM-dd'T'HH:mm");
    const child = spawn(
      process.execPath,
      [
        CLI,
        'send',
        'issues/2026-W48',
        '--subscribers',
        'subscribers.example.json',
        '--outbox',
        'outbox',
        '--at',
        at,
        '--local',
        '--send-missed',
      ],
      {
        cwd: project.dir,
        env: { ...process.env, SMTP_URL: '', ROLECAST_SECRET: 'log-deleted-waves-secret-0123456789abcdef' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      const waiting = Date.now();
      while (
        !/waiting .* for the wave at/.test(
          output
            .split(/ sent in /)
            .slice(1)
            .join(''),
        )
      ) {
        if (child.exitCode !== null || Date.now() - waiting > 60_000) throw new Error(output);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const mailed = readdirSync(project.path('outbox')).filter((name) => name.endsWith('.eml'));
      expect(mailed.length).toBeGreaterThan(0);

      const state = project.path('.rolecast/state.db');
      rmSync(`${state}-wal`);
      rmSync(`${state}-shm`);
      // Longer than the check's second; then killed, as a reboot would.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const stoppedItself = child.exitCode;
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;

      expect(sentInFileAtPath(state).length, output).toBe(mailed.length);
      expect(readdirSync(project.path('.rolecast')).filter((name) => name.includes('.rescued-'))).toEqual([]);
      // And said so, rather than waiting on for hours.
      expect(stoppedItself, output).toBe(3);
      expect(output).toContain(`the send stopped, and what it recorded is in ${state}`);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
  });
});
