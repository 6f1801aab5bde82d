import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { openWaveStore, planWaves, runSchedule, type ScheduleEvent } from '../../src/schedule/index.js';
import type { RunnerWaveStore } from '../../src/schedule/runner.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

/**
 * A scheduled send whose wave went out whole, but whose state then refused to record the wave as
 * sent (a full disk): the run stops before the next wave with a state-write error that says the
 * wave went out and that running again mails nobody twice, rather than a bare SQLite error whose
 * hint is to check the --state path; and the wave's result is reported as sent.
 */

const readers = [
  { email: 'berlin@example.com', timezone: 'Europe/Berlin' },
  { email: 'newyork@example.com', timezone: 'America/New_York' },
];
const waves = planWaves({ recipients: readers, at: '2026-10-25T08:00', local: true, defaultZone: 'UTC' });

let dir: string;
let db: StateDb;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-waves-full-'));
  db = openStateDb(join(dir, 'state.db'));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

function fullDisk(): Error {
  return Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
}

it('stops before the next wave, saying the wave went out and that a rerun mails nobody twice', async () => {
  let now = Date.parse('2026-10-25T00:00:00Z');
  const stored = openWaveStore(db, '2026-W48', 'smtp', () => new Date(now));
  const store: RunnerWaveStore = {
    register: (all) => stored.register(all),
    mark: (utc, status, detail) => {
      if (status === 'sent') throw fullDisk();
      stored.mark(utc, status, detail);
    },
  };
  const sent: string[] = [];
  const events: ScheduleEvent['type'][] = [];
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
      sendWave: async (wave) => {
        sent.push(wave.utc);
      },
      onEvent: (event) => events.push(event.type),
    });
  } catch (error) {
    refused = error;
  }
  expect(sent).toEqual([waves[0]!.utc]);
  expect(events).toContain('sent');
  expect(refused).toBeInstanceOf(RolecastError);
  const error = refused as RolecastError;
  expect(error.code).toBe('E_STATE_WRITE');
  expect(error.exitCode).toBe(3);
  expect(error.message).toContain(`the wave at ${waves[0]!.utc} went out`);
  expect(error.message).toContain('database or disk is full');
  expect(error.hint).toMatch(/run the same command again: .*no reader recorded is mailed again/);
  // Left as started: the rerun finishes it, whatever the time, against the ledger.
  expect(stored.list().map((wave) => wave.status)).toEqual(['sending', 'pending']);
});
