import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { openWaveStore, planWaves, runSchedule, type ScheduleEvent } from '../../src/schedule/index.js';
import type { RunnerWaveStore } from '../../src/schedule/runner.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

/**
 * A scheduled send whose wave went out with some messages deferred, and whose state then refused to
 * record the wave (a full disk): the run says that messages were left over, not that the wave went
 * out whole, and still reports the wave as incomplete.
 */

const readers = [
  { email: 'berlin@example.com', timezone: 'Europe/Berlin' },
  { email: 'newyork@example.com', timezone: 'America/New_York' },
];
const waves = planWaves({ recipients: readers, at: '2026-10-25T08:00', local: true, defaultZone: 'UTC' });

let dir: string;
let db: StateDb;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-waves-full-deferred-'));
  db = openStateDb(join(dir, 'state.db'));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

it('says the deferred messages are owed, and reports the wave incomplete', async () => {
  let now = Date.parse('2026-10-25T00:00:00Z');
  const stored = openWaveStore(db, '2026-W48', 'smtp', () => new Date(now));
  const store: RunnerWaveStore = {
    register: (all) => stored.register(all),
    mark: (utc, status, detail) => {
      if (status === 'failed') throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
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
      sendWave: async () => ({ complete: false, detail: '1 message deferred' }),
      onEvent: (event) => events.push(event),
    });
  } catch (error) {
    refused = error;
  }
  expect(events.find((event) => event.type === 'incomplete')).toMatchObject({ detail: '1 message deferred' });
  expect(refused).toBeInstanceOf(RolecastError);
  const error = refused as RolecastError;
  expect(error.code).toBe('E_STATE_WRITE');
  expect(error.message).toContain(`the wave at ${waves[0]!.utc} was sent but 1 message deferred`);
  expect(error.message).not.toContain('went out (its messages are recorded');
  expect(error.hint).toMatch(/readers still owed retried/);
  expect(stored.list().map((wave) => wave.status)).toEqual(['sending', 'pending']);
});
