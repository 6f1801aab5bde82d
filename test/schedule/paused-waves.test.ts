import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { runScheduledSendCommand } from '../../src/schedule/index.js';
import { openStateDb } from '../../src/send/index.js';
import { newReader } from '../../src/store/index.js';
import { sqliteSubscriberStore } from '../../src/store/sqlite.js';
import { captureStreams, type TempProject, tempProject } from '../helpers/project.js';

/**
 * Pauses are judged when a reader's wave goes out, not when the schedule is planned: `pausedUntil`
 * is the first instant the reader gets mail again.
 */
let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
});
afterEach(() => project.cleanup());

const HOUR = 3_600_000;

/** A scheduled send three hours from now, to one active reader and one paused for `pauseHours`; who got it. */
async function sendWithPause(pauseHours: number): Promise<string> {
  const config = await loadConfig({ cwd: project.dir });
  const db = openStateDb(join(config.stateDirAbs, 'state.db'));
  const store = sqliteSubscriberStore(db);
  const realNow = Date.now();
  const joined = new Date('2026-11-01T00:00:00Z');
  const consent = { at: joined.toISOString(), method: 'cli' as const, wording: null };
  const common = { roles: ['CTO'], timezone: 'UTC', consent, confirmedAt: joined.toISOString() };
  await store.insert(newReader('active@example.com', joined, { ...common, status: 'active' }));
  const pausedUntil = new Date(realNow + pauseHours * HOUR).toISOString();
  await store.insert(newReader('paused@example.com', joined, { ...common, status: 'paused', pausedUntil }));
  db.close();

  // UTC wall time, read in each reader's zone (UTC here).
  const at = new Date(realNow + 3 * HOUR).toISOString().slice(0, 16);
  let clock = realNow;
  const streams = captureStreams();
  const code = await runScheduledSendCommand({
    send: {
      issueDir: 'issues/2026-W48',
      cwd: project.dir,
      env: { ROLECAST_SECRET: 'pause-wave-secret-0123456789abcdef0123456' },
      outbox: 'outbox',
      now: () => new Date(clock),
    },
    at,
    local: true,
    sendMissed: false,
    dryRun: false,
    stdout: streams.stdout,
    printReport: () => {},
    sleep: async (ms) => {
      clock += ms;
    },
  });
  expect(code, streams.out).toBe(0);
  expect(clock).toBeGreaterThan(realNow + 3 * HOUR - 60_000);
  const files = (await readdir(project.path('outbox'), { recursive: true })).filter((f) => String(f).endsWith('.eml'));
  const recipients = await Promise.all(
    files.map(async (f) => /^To: .*$/m.exec(await readFile(project.path('outbox', String(f)), 'utf8'))?.[0]),
  );
  return recipients.join(' ');
}

it('mails a reader whose pause has ended by the time their wave goes out', async () => {
  const recipients = await sendWithPause(1);
  expect(recipients).toContain('active@example.com');
  expect(recipients).toContain('paused@example.com');
});

it('skips a reader still paused when their wave goes out, though planned in it', async () => {
  const recipients = await sendWithPause(5);
  expect(recipients).toContain('active@example.com');
  expect(recipients).not.toContain('paused@example.com');
});
