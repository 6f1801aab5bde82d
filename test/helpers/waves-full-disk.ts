import { openWaveStore, planWaves, runSchedule, type ScheduleEvent } from '../../src/schedule/index.js';
import type { RunnerWaveStore, RunScheduleOptions } from '../../src/schedule/runner.js';
import type { StateDb } from '../../src/send/store.js';

const readers = [
  { email: 'berlin@example.com', timezone: 'Europe/Berlin' },
  { email: 'newyork@example.com', timezone: 'America/New_York' },
];
/** Two waves, a reader in each: Berlin's first. */
export const waves = planWaves({ recipients: readers, at: '2026-10-25T08:00', local: true, defaultZone: 'UTC' });

/**
 * Runs the waves on a clock that moves only when the run sleeps, against a state that refuses to
 * mark a wave `refusedMark` (a full disk); the events, what the run threw, and the waves stored.
 */
export async function runWithFullDisk(
  db: StateDb,
  refusedMark: string,
  sendWave: RunScheduleOptions['sendWave'],
): Promise<{ events: ScheduleEvent[]; refused: unknown; stored: ReturnType<typeof openWaveStore> }> {
  let now = Date.parse('2026-10-25T00:00:00Z');
  const stored = openWaveStore(db, '2026-W48', 'smtp', () => new Date(now));
  const store: RunnerWaveStore = {
    register: (all) => stored.register(all),
    mark: (utc, status, detail) => {
      if (status === refusedMark) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      stored.mark(utc, status, detail);
    },
  };
  const events: ScheduleEvent[] = [];
  let refused: unknown;
  try {
    await runSchedule({
      waves,
      store,
      now: () => new Date(now),
      sleep: async (ms) => {
        now += ms;
      },
      graceMs: 7_200_000,
      sendWave,
      onEvent: (event) => events.push(event),
    });
  } catch (error) {
    refused = error;
  }
  return { events, refused, stored };
}
