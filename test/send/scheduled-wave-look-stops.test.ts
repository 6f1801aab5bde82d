import { readdir } from 'node:fs/promises';
import { afterAll, afterEach, beforeEach, expect, it, vi } from 'vitest';
import { compileAudience } from '../../src/render/index.js';
import type { SendReport } from '../../src/send/index.js';
import { describePostgres, useFreshDatabase } from '../helpers/postgres.js';
import { captureStreams, type TempProject, tempProject } from '../helpers/project.js';

/**
 * A scheduled send on PostgreSQL: each wave looks at the suppression list right before each
 * message. A wave whose look failed past the send's patience stopped, but the waves after it
 * still started, hours later and unwatched, and each wave waited the default five minutes
 * whatever `lookPatienceMs` said. Now the wave waits `lookPatienceMs` and the run ends there.
 */

/** While set, every look at the list after the cursor fails, as a database that stopped answering. */
const fault = { failing: false, looks: 0 };

vi.mock('../../src/state/postgres/suppressions.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/state/postgres/suppressions.js')>();
  return {
    ...real,
    postgresSuppressions: (...args: Parameters<typeof real.postgresSuppressions>) => {
      const store = real.postgresSuppressions(...args);
      return {
        ...store,
        addedSince: async (cursor: string | undefined) => {
          if (cursor !== undefined && fault.failing) {
            fault.looks++;
            throw Object.assign(new Error('ECONNRESET: the connection was reset'), { code: 'ECONNRESET' });
          }
          return store.addedSince(cursor);
        },
      };
    },
  };
});

// Test files share one module registry: load the scheduler afresh so it sees the mock, and leave none behind.
vi.resetModules();
const { runScheduledSendCommand } = await import('../../src/schedule/index.js');
afterAll(() => {
  vi.doUnmock('../../src/state/postgres/suppressions.js');
  vi.resetModules();
});

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  Object.assign(fault, { failing: false, looks: 0 });
});
afterEach(async () => {
  await project.cleanup();
});

describePostgres('a scheduled wave whose last look fails past its patience', () => {
  const databaseUrl = useFreshDatabase('wave_look_stops');

  it('waits lookPatienceMs, not minutes, and ends the run: no later wave starts', async () => {
    const streams = captureStreams();
    const reports: SendReport[] = [];
    let wavesStarted = 0;
    const run = runScheduledSendCommand({
      send: {
        issueDir: 'issues/2026-W48',
        subscribersFile: 'subscribers.example.json',
        cwd: project.dir,
        env: { ROLECAST_SECRET: 'schedule-command-secret-0123456789ab', DATABASE_URL: databaseUrl() },
        outbox: 'outbox',
        lateSuppressionCheckMs: 60_000,
        lookPatienceMs: 300,
        // Each wave renders once: the second one finds the database gone.
        compile: async (p, variants) => {
          wavesStarted++;
          if (wavesStarted === 2) fault.failing = true;
          return compileAudience(p, variants);
        },
      },
      // Long past: every wave is overdue and sent at once.
      at: '2026-01-05T08:00',
      local: true,
      sendMissed: true,
      dryRun: false,
      stdout: streams.stdout,
      printReport: (report) => reports.push(report),
    });
    const error = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error | undefined)?.message, streams.out).toMatch(
      /scheduled send stopped: could not read the suppression list right before a message: ECONNRESET.*later waves were not started/,
    );
    expect(fault.looks).toBeGreaterThan(0);
    // The first wave (one reader) went out; the second stopped before its first message; none after it began.
    expect(wavesStarted).toBe(2);
    expect(reports.map((r) => r.total.sent)).toEqual([1, 0]);
    const files = (await readdir(project.path('outbox'))).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(1);
    expect(streams.out).toContain('! wave at');
  }, 30_000);
});
