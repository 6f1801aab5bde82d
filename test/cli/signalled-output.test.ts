import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { oneStoryProject, type TempProject } from '../helpers/project.js';

/**
 * A command stopped by a signal ends a second after it returns, so a database connection left
 * hanging cannot keep it running. Its output to a pipe is written as the reader reads: a report
 * larger than the pipe holds, read by a pager or a busy log shipper, was cut where the exit fell,
 * and the command still ended 0.
 */

const READERS = 2000;
/** Long role names make long report lines: more than the pipe and its reader's buffer hold. */
const role = (i: number) => `Crew-of-the-long-range-survey-vessel-number-${i}`;

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

function projectWithManyRoles(): Promise<TempProject> {
  return oneStoryProject(
    Array.from({ length: READERS }, (_, i) => ({ email: `reader${i}@example.net`, roles: ['CTO', role(i)] })),
  );
}

/**
 * Runs `args` with its stdout left unread; SIGTERM goes once its first warning is printed, and
 * stdout is read only once the command said its last line and had time to end (or ended).
 */
async function signalledWithStdoutUnread(cwd: string, args: string[], lastLine: string) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, SMTP_URL: '', ROLECAST_SECRET: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Read from only once let: a 'readable' listener holds what comes (a paused stream without
  // one is emptied unread when the child exits).
  let stdout = '';
  let reading = false;
  const read = () => {
    for (let chunk = child.stdout.read(); chunk !== null; chunk = child.stdout.read()) stdout += chunk;
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('readable', () => {
    if (reading) read();
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let stderr = '';
  let signalled = false;
  const finished = new Promise<void>((resolve) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (!signalled && stderr.includes(': warning: ')) {
        signalled = true;
        child.kill('SIGTERM');
      }
      if (stderr.includes(lastLine)) resolve();
    });
    void closed.then(() => resolve());
  });
  await finished;
  // The forced exit comes a second after the command returned: it is given three to fall.
  await Promise.race([exited, sleep(3_000)]);
  reading = true;
  read();
  const code = await closed;
  return { code, stdout, stderr };
}

describe('a command stopped by a signal, its stdout a pipe read late', () => {
  it('writes its whole report before it ends', async () => {
    project = await projectWithManyRoles();
    const result = await signalledWithStdoutUnread(
      project.dir,
      ['send', 'issues/2026-W49', '--subscribers', 'subscribers.json', '--dry-run'],
      'warning(s) above, printed before the report',
    );
    expect(result.stderr).toContain('received SIGTERM');
    expect(result.stdout.length).toBeGreaterThan(256 * 1024);
    expect(result.stdout).toContain(`${role(0)} `);
    expect(result.stdout).toContain(`${role(READERS - 1)} `);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(
      `would send ${READERS} message(s) in 1 variant(s); nothing sent, no state written`,
    );
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
  });
});
