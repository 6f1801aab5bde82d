import { describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { formatPlan, planWaves, resolveWallTime } from '../../src/schedule/index.js';

const readers = [
  { email: 'berlin@example.com', timezone: 'Europe/Berlin' },
  { email: 'paris@example.com', timezone: 'Europe/Paris' },
  { email: 'newyork@example.com', timezone: 'America/New_York' },
  { email: 'kolkata@example.com', timezone: 'Asia/Kolkata' },
  { email: 'nozone@example.com' },
];

function instants(at: string, defaultZone = 'Europe/Berlin') {
  return planWaves({ recipients: readers, at, local: true, defaultZone }).map((w) => ({
    utc: w.utc,
    zones: w.zones.map((z) => z.zone),
    emails: w.emails,
  }));
}

describe('planWaves with --local across the 2026 DST changes', () => {
  it('08:00 on 25 October 2026: Berlin is back on CET, New York still on EDT, Kolkata +05:30', () => {
    expect(instants('2026-10-25T08:00')).toEqual([
      { utc: '2026-10-25T02:30:00.000Z', zones: ['Asia/Kolkata'], emails: ['kolkata@example.com'] },
      {
        utc: '2026-10-25T07:00:00.000Z',
        zones: ['Europe/Berlin', 'Europe/Paris'],
        emails: ['berlin@example.com', 'paris@example.com', 'nozone@example.com'],
      },
      { utc: '2026-10-25T12:00:00.000Z', zones: ['America/New_York'], emails: ['newyork@example.com'] },
    ]);
  });

  it('08:00 the day before, 24 October 2026: Berlin still on CEST', () => {
    expect(instants('2026-10-24T08:00').map((w) => w.utc)).toEqual([
      '2026-10-24T02:30:00.000Z',
      '2026-10-24T06:00:00.000Z',
      '2026-10-24T12:00:00.000Z',
    ]);
  });

  it('08:00 on 1 November 2026: New York is back on EST', () => {
    expect(instants('2026-11-01T08:00').map((w) => w.utc)).toEqual([
      '2026-11-01T02:30:00.000Z',
      '2026-11-01T07:00:00.000Z',
      '2026-11-01T13:00:00.000Z',
    ]);
  });

  it('readers without a zone use the default zone', () => {
    const waves = planWaves({
      recipients: [{ email: 'a@example.com' }],
      at: '2026-11-30T08:00',
      local: true,
      defaultZone: 'Asia/Kolkata',
    });
    expect(waves.map((w) => [w.utc, w.count])).toEqual([['2026-11-30T02:30:00.000Z', 1]]);
  });
});

describe('resolveWallTime: the documented DST rule', () => {
  const table = [
    // Fall back: the time occurs twice; the earlier occurrence (still summer time) is used.
    {
      at: '2026-10-25T02:30',
      zone: 'Europe/Berlin',
      utc: '2026-10-25T00:30:00.000Z',
      local: '2026-10-25T02:30:00+02:00',
      adjustment: 'repeated-earlier-used',
    },
    {
      at: '2026-11-01T01:30',
      zone: 'America/New_York',
      utc: '2026-11-01T05:30:00.000Z',
      local: '2026-11-01T01:30:00-04:00',
      adjustment: 'repeated-earlier-used',
    },
    // Spring forward: the time does not exist; it moves forward by the gap.
    {
      at: '2026-03-29T02:30',
      zone: 'Europe/Berlin',
      utc: '2026-03-29T01:30:00.000Z',
      local: '2026-03-29T03:30:00+02:00',
      adjustment: 'gap-shifted-forward',
    },
    {
      at: '2026-03-08T02:30',
      zone: 'America/New_York',
      utc: '2026-03-08T07:30:00.000Z',
      local: '2026-03-08T03:30:00-04:00',
      adjustment: 'gap-shifted-forward',
    },
    // Ordinary times right next to the changes are untouched.
    {
      at: '2026-10-25T03:00',
      zone: 'Europe/Berlin',
      utc: '2026-10-25T02:00:00.000Z',
      local: '2026-10-25T03:00:00+01:00',
      adjustment: undefined,
    },
    {
      at: '2026-11-01T02:00',
      zone: 'America/New_York',
      utc: '2026-11-01T07:00:00.000Z',
      local: '2026-11-01T02:00:00-05:00',
      adjustment: undefined,
    },
    {
      at: '2026-11-30T08:00',
      zone: 'Asia/Kolkata',
      utc: '2026-11-30T02:30:00.000Z',
      local: '2026-11-30T08:00:00+05:30',
      adjustment: undefined,
    },
  ];
  it.each(table)('$at in $zone → $utc', ({ at, zone, utc, local, adjustment }) => {
    const resolved = resolveWallTime(at, zone);
    expect(new Date(resolved.utcMs).toISOString()).toBe(utc);
    expect(resolved.local).toBe(local);
    expect(resolved.adjustment).toBe(adjustment);
  });

  it('the plan says when a time was adjusted', () => {
    const waves = planWaves({
      recipients: readers.slice(0, 1),
      at: '2026-10-25T02:30',
      local: true,
      defaultZone: 'UTC',
    });
    expect(formatPlan(waves)).toContain('occurs twice, earlier one used');
    const gap = planWaves({ recipients: readers.slice(0, 1), at: '2026-03-29T02:30', local: true, defaultZone: 'UTC' });
    expect(formatPlan(gap)).toContain('skipped by DST, moved forward');
  });
});

describe('planWaves without --local', () => {
  it('is one wave at the instant, read in the default zone', () => {
    const waves = planWaves({
      recipients: readers,
      at: '2026-10-25T08:00',
      local: false,
      defaultZone: 'America/New_York',
    });
    expect(waves).toHaveLength(1);
    expect(waves[0]!.utc).toBe('2026-10-25T12:00:00.000Z');
    expect(waves[0]!.count).toBe(readers.length);
  });

  it('honours an explicit offset', () => {
    const utc = (at: string) =>
      planWaves({ recipients: readers, at, local: false, defaultZone: 'Europe/Berlin' })[0]!.utc;
    expect(utc('2026-11-30T08:00Z')).toBe('2026-11-30T08:00:00.000Z');
    expect(utc('2026-11-30T08:00+05:30')).toBe('2026-11-30T02:30:00.000Z');
    // The ends of the offsets in use, and a quarter-hour one (Nepal).
    expect(utc('2026-11-30T08:00+14:00')).toBe('2026-11-29T18:00:00.000Z');
    expect(utc('2026-11-30T08:00-12:00')).toBe('2026-11-30T20:00:00.000Z');
    expect(utc('2026-11-30T08:00+05:45')).toBe('2026-11-30T02:15:00.000Z');
    const wave = planWaves({ recipients: readers, at: '2026-11-30T08:00+05:30', local: false, defaultZone: 'UTC' })[0]!;
    expect(formatPlan([wave])).toContain('UTC+5:30 2026-11-30 08:00 +05:30 (5)');
  });
});

describe('planWaves refuses what it cannot plan', () => {
  const cases = [
    {
      name: 'an offset with --local',
      input: { at: '2026-11-30T08:00Z', local: true, defaultZone: 'UTC' },
      code: 'E_USAGE',
    },
    { name: 'a malformed time', input: { at: 'next monday', local: false, defaultZone: 'UTC' }, code: 'E_USAGE' },
    ...['+25:00', '-23:59', '+9959', '+14:15', '-12:30', '+01:07'].map((offset) => ({
      name: `an offset no place uses (${offset})`,
      input: { at: `2026-12-07T08:00${offset}`, local: false, defaultZone: 'UTC' },
      code: 'E_USAGE',
    })),
    { name: 'an impossible date', input: { at: '2026-02-30T08:00', local: true, defaultZone: 'UTC' }, code: 'E_USAGE' },
    {
      name: 'an unknown default zone',
      input: { at: '2026-11-30T08:00', local: true, defaultZone: 'Mars/Olympus' },
      code: 'E_INVALID',
    },
  ];
  it.each(cases)('$name', ({ input, code }) => {
    let caught: unknown;
    try {
      planWaves({ recipients: readers, ...input });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RolecastError);
    expect((caught as RolecastError).code).toBe(code);
  });
});

describe('formatPlan', () => {
  it('prints zones, local time, UTC time and count for every wave', () => {
    const text = formatPlan(
      planWaves({ recipients: readers, at: '2026-11-30T08:00', local: true, defaultZone: 'Europe/Berlin' }),
    );
    expect(text).toContain('3 wave(s), 5 recipient(s)');
    expect(text).toMatch(/2026-11-30 02:30 UTC\s+1 recipient\(s\)\s+Asia\/Kolkata 2026-11-30 08:00 \+05:30 \(1\)/);
    expect(text).toMatch(
      /2026-11-30 07:00 UTC\s+3 recipient\(s\)\s+Europe\/Berlin 2026-11-30 08:00 \+01:00 \(2\), Europe\/Paris/,
    );
    expect(text).toMatch(/2026-11-30 13:00 UTC\s+1 recipient\(s\)\s+America\/New_York 2026-11-30 08:00 -05:00 \(1\)/);
  });
});
