import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { openWaveStore, planWaves, runSchedule, type Wave } from '../../src/schedule/index.js';
import { openStateDb, type StateDb } from '../../src/send/store.js';

const HOUR = 3_600_000;
const readers = [
  { email: 'berlin@example.com', timezone: 'Europe/Berlin' },
  { email: 'newyork@example.com', timezone: 'America/New_York' },
  { email: 'kolkata@example.com', timezone: 'Asia/Kolkata' },
];
// 25 October 2026, Berlin's fall-back day: waves at 02:30Z (Kolkata), 07:00Z (Berlin), 12:00Z (New York).
const waves = planWaves({ recipients: readers, at: '2026-10-25T08:00', local: true, defaultZone: 'UTC' });

/** A clock that only moves when the runner sleeps (or the test says so). */
function fakeClock(startIso: string) {
  let t = Date.parse(startIso);
  return {
    now: () => new Date(t),
    sleep: async (ms: number) => {
      t += ms;
    },
    set: (iso: string) => {
      t = Date.parse(iso);
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}

let dir: string;
let file: string;
let db: StateDb;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-schedule-'));
  file = join(dir, 'state.db');
  db = openStateDb(file);
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

/** One process lifetime: opens the store on the current db and runs the plan. */
function run(
  clock: ReturnType<typeof fakeClock>,
  extra: { sendMissed?: boolean; signal?: AbortSignal; onSend?: (w: Wave) => void } = {},
) {
  const sent: { utc: string; at: string }[] = [];
  const promise = runSchedule({
    waves,
    store: openWaveStore(db, '2026-W48', 'smtp', clock.now),
    now: clock.now,
    sleep: clock.sleep,
    graceMs: 2 * HOUR,
    sendMissed: extra.sendMissed ?? false,
    ...(extra.signal ? { signal: extra.signal } : {}),
    sendWave: async (wave) => {
      sent.push({ utc: wave.utc, at: clock.now().toISOString() });
      extra.onSend?.(wave);
    },
  });
  return { sent, promise };
}

function restart() {
  db.close();
  db = openStateDb(file);
}

function statuses() {
  return openWaveStore(db, '2026-W48', 'smtp')
    .list()
    .map((w) => [w.waveUtc, w.status]);
}

describe('runSchedule with an injected clock', () => {
  it('waits for each wave and sends it at its instant', async () => {
    const clock = fakeClock('2026-10-24T22:00:00Z');
    const { sent, promise } = run(clock);
    const report = await promise;
    expect(sent).toEqual([
      { utc: '2026-10-25T02:30:00.000Z', at: '2026-10-25T02:30:00.000Z' },
      { utc: '2026-10-25T07:00:00.000Z', at: '2026-10-25T07:00:00.000Z' },
      { utc: '2026-10-25T12:00:00.000Z', at: '2026-10-25T12:00:00.000Z' },
    ]);
    expect(report.sent).toBe(3);
    expect(statuses().every(([, status]) => status === 'sent')).toBe(true);
  });

  it('after a restart inside the grace window, sends the overdue wave at once and skips sent ones', async () => {
    const clock = fakeClock('2026-10-25T00:00:00Z');
    const controller = new AbortController();
    // The process dies right after the first wave.
    const first = run(clock, { signal: controller.signal, onSend: () => controller.abort() });
    await expect(first.promise).rejects.toMatchObject({ code: 'E_INTERRUPTED' });
    expect(first.sent.map((s) => s.utc)).toEqual(['2026-10-25T02:30:00.000Z']);

    restart();
    clock.set('2026-10-25T08:30:00Z'); // Berlin's wave is 90 min overdue, inside the 2 h grace
    const second = run(clock);
    const report = await second.promise;
    expect(second.sent).toEqual([
      { utc: '2026-10-25T07:00:00.000Z', at: '2026-10-25T08:30:00.000Z' },
      { utc: '2026-10-25T12:00:00.000Z', at: '2026-10-25T12:00:00.000Z' },
    ]);
    expect(report.waves.map((w) => w.outcome)).toEqual(['already-sent', 'sent', 'sent']);
  });

  it('after a restart outside the grace window, reports the wave missed and does not send it', async () => {
    const clock = fakeClock('2026-10-25T10:00:00Z'); // Kolkata 7.5 h late, Berlin 3 h late
    const { sent, promise } = run(clock);
    const report = await promise;
    expect(sent.map((s) => s.utc)).toEqual(['2026-10-25T12:00:00.000Z']);
    expect(report.missed).toBe(2);
    expect(report.waves.filter((w) => w.outcome === 'missed').map((w) => w.lateMs)).toEqual([7.5 * HOUR, 3 * HOUR]);
    expect(statuses()).toEqual([
      ['2026-10-25T02:30:00.000Z', 'missed'],
      ['2026-10-25T07:00:00.000Z', 'missed'],
      ['2026-10-25T12:00:00.000Z', 'sent'],
    ]);

    // --send-missed on the next run sends them, and still not the wave already sent.
    restart();
    clock.set('2026-10-25T13:00:00Z');
    const again = run(clock, { sendMissed: true });
    await again.promise;
    expect(again.sent.map((s) => s.utc)).toEqual(['2026-10-25T02:30:00.000Z', '2026-10-25T07:00:00.000Z']);
    expect(statuses().every(([, status]) => status === 'sent')).toBe(true);
  });

  it('does not count its own sending time as lateness', async () => {
    const clock = fakeClock('2026-10-25T02:00:00Z');
    // The Kolkata wave takes 5 hours to send, so Berlin's 07:00Z wave falls due meanwhile.
    const { sent, promise } = run(clock, {
      onSend: (w) => w.utc.startsWith('2026-10-25T02:30') && clock.advance(5 * HOUR),
    });
    const report = await promise;
    expect(sent.map((s) => s.utc)).toHaveLength(3);
    expect(report.missed).toBe(0);
  });

  it('counts a machine asleep through a wave as down time', async () => {
    const clock = fakeClock('2026-10-25T06:00:00Z');
    let slept = false;
    const runAsleep = runSchedule({
      waves: waves.slice(1, 2),
      store: openWaveStore(db, '2026-W48', 'smtp', clock.now),
      now: clock.now,
      // The first sleep lasts four hours longer than asked.
      sleep: async (ms) => {
        clock.advance(slept ? ms : ms + 4 * HOUR);
        slept = true;
      },
      graceMs: 2 * HOUR,
      sendWave: async () => {
        throw new Error('must not send');
      },
    });
    const report = await runAsleep;
    expect(report.waves.map((w) => w.outcome)).toEqual(['missed']);
  });

  it('with a grace of 0, sends a wave it waited for though the timer fired a little late', async () => {
    const clock = fakeClock('2026-10-25T06:00:00Z');
    const sent: string[] = [];
    const report = await runSchedule({
      waves: waves.slice(1, 2),
      store: openWaveStore(db, '2026-W48', 'smtp', clock.now),
      now: clock.now,
      // Timers fire after their time, never on the millisecond.
      sleep: async (ms) => clock.advance(ms + 7),
      graceMs: 0,
      sendWave: async (wave) => {
        sent.push(wave.utc);
      },
    });
    expect(report.waves.map((w) => w.outcome)).toEqual(['sent']);
    expect(sent).toEqual([waves[1]!.utc]);
  });

  it('puts a wave back to pending when sending throws before anything went out, and a later run sends it', async () => {
    const clock = fakeClock('2026-10-25T07:00:00Z');
    const failing = runSchedule({
      waves: waves.slice(1, 2),
      store: openWaveStore(db, '2026-W48', 'smtp', clock.now),
      now: clock.now,
      sleep: clock.sleep,
      graceMs: 2 * HOUR,
      sendWave: async () => {
        throw new RolecastError('E_SMTP_CONNECT', 'connection refused');
      },
    });
    await expect(failing).rejects.toMatchObject({ code: 'E_SMTP_CONNECT' });
    expect(openWaveStore(db, '2026-W48', 'smtp').list()).toEqual([
      expect.objectContaining({ waveUtc: '2026-10-25T07:00:00.000Z', status: 'pending', detail: 'connection refused' }),
    ]);
    clock.advance(HOUR);
    const { sent, promise } = run(clock);
    await promise;
    expect(sent.map((s) => s.utc)).toContain('2026-10-25T07:00:00.000Z');
  });

  it('still applies the grace window to a wave whose only attempt sent nothing', async () => {
    const clock = fakeClock('2026-10-25T07:00:00Z');
    const failing = runSchedule({
      waves: waves.slice(1, 2),
      store: openWaveStore(db, '2026-W48', 'smtp', clock.now),
      now: clock.now,
      sleep: clock.sleep,
      graceMs: 2 * HOUR,
      sendWave: async () => {
        throw new RolecastError('E_SMTP_CONNECT', 'connection refused');
      },
    });
    await expect(failing).rejects.toMatchObject({ code: 'E_SMTP_CONNECT' });
    restart();
    clock.set('2026-10-25T10:00:00Z'); // three hours late, and nobody has it yet
    const later = run(clock);
    const report = await later.promise;
    expect(report.waves.find((w) => w.wave.utc === '2026-10-25T07:00:00.000Z')?.outcome).toBe('missed');
  });

  it.each<['sending' | 'failed', string]>([
    ['sending', 'the process died during the wave'],
    ['failed', 'messages were deferred, or the wave was cut short'],
  ])('finishes a wave left %s (%s) however late the restart', async (status) => {
    const store = openWaveStore(db, '2026-W48', 'smtp');
    store.register(waves);
    store.mark('2026-10-25T02:30:00.000Z', 'sent');
    store.mark('2026-10-25T07:00:00.000Z', status, 'cut short');
    restart();
    // Ten hours after Berlin's wave, far outside the two-hour grace window.
    const clock = fakeClock('2026-10-25T17:00:00Z');
    const { sent, promise } = run(clock);
    const report = await promise;
    expect(sent.map((s) => s.utc)).toEqual(['2026-10-25T07:00:00.000Z']);
    expect(report.waves.map((w) => w.outcome)).toEqual(['already-sent', 'sent', 'missed']);
    expect(statuses()).toEqual([
      ['2026-10-25T02:30:00.000Z', 'sent'],
      ['2026-10-25T07:00:00.000Z', 'sent'],
      ['2026-10-25T12:00:00.000Z', 'missed'],
    ]);
  });

  it('marks a wave cut short as started, and ends the schedule with the reason given', async () => {
    const clock = fakeClock('2026-10-25T02:30:00Z');
    const stop = new RolecastError('E_SEND_FAILED', 'the SMTP server refuses this sender or account');
    const running = runSchedule({
      waves,
      store: openWaveStore(db, '2026-W48', 'smtp', clock.now),
      now: clock.now,
      sleep: clock.sleep,
      graceMs: 2 * HOUR,
      sendWave: async () => ({ complete: false, detail: 'aborted, 1 message(s) not delivered yet', stop }),
    });
    await expect(running).rejects.toBe(stop);
    expect(statuses()).toEqual([
      ['2026-10-25T02:30:00.000Z', 'failed'],
      ['2026-10-25T07:00:00.000Z', 'pending'],
      ['2026-10-25T12:00:00.000Z', 'pending'],
    ]);
  });

  it('keeps a wave with deferred messages open, and carries on with the next wave', async () => {
    const clock = fakeClock('2026-10-25T00:00:00Z');
    const report = await runSchedule({
      waves,
      store: openWaveStore(db, '2026-W48', 'smtp', clock.now),
      now: clock.now,
      sleep: clock.sleep,
      graceMs: 2 * HOUR,
      sendWave: async (wave) =>
        wave.utc.startsWith('2026-10-25T07') ? { complete: false, detail: '2 deferred' } : { complete: true },
    });
    expect(report.waves.map((w) => w.outcome)).toEqual(['sent', 'incomplete', 'sent']);
    expect(statuses()).toEqual([
      ['2026-10-25T02:30:00.000Z', 'sent'],
      ['2026-10-25T07:00:00.000Z', 'failed'],
      ['2026-10-25T12:00:00.000Z', 'sent'],
    ]);
  });

  it('keeps waves of different channels apart', async () => {
    const clock = fakeClock('2026-10-25T00:00:00Z');
    await run(clock).promise;
    const outbox = openWaveStore(db, '2026-W48', 'outbox').register(waves);
    expect([...outbox.values()]).toEqual(['pending', 'pending', 'pending']);
  });
});
