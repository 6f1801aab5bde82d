import { DateTime, IANAZone } from 'luxon';
import { RolecastError } from '../errors.js';

/**
 * Local-time delivery planning: a pure function of (recipients, wall-clock time, zones). No clock,
 * no I/O, so every DST corner can be tested as a table.
 *
 * DST rule, applied per zone:
 * - a local time the clocks skip (spring forward, e.g. 02:30 in Europe/Berlin on 29 March 2026) is
 *   shifted forward by the length of the gap, as luxon does: 02:30 → 03:30 CEST;
 * - a local time the clocks pass twice (fall back, e.g. 02:30 in Europe/Berlin on 25 October 2026)
 *   uses the earlier occurrence, the one still on summer time: 02:30 CEST = 00:30 UTC.
 * Readers whose zone resolves to the same instant share one wave.
 */

export interface PlanRecipient {
  email: string;
  /** IANA zone; the default zone applies when missing. */
  timezone?: string | undefined;
}

export type Adjustment = 'gap-shifted-forward' | 'repeated-earlier-used';

export interface WaveZone {
  zone: string;
  /** The local wall time actually used, with its offset, e.g. `2026-10-25T02:30:00+02:00`. */
  local: string;
  count: number;
  adjustment?: Adjustment | undefined;
}

export interface Wave {
  /** The instant in UTC, ISO 8601 with `Z`; also the wave's key in the schedule store. */
  utc: string;
  utcMs: number;
  zones: WaveZone[];
  emails: string[];
  count: number;
}

export interface PlanWavesInput {
  recipients: readonly PlanRecipient[];
  /** `2026-11-30T08:00` (seconds optional); may carry an offset (`Z`, `+01:00`) only when `local` is false. */
  at: string;
  /** true: `at` is a wall-clock time in each recipient's own zone. */
  local: boolean;
  defaultZone: string;
}

const WALL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export function planWaves(input: PlanWavesInput): Wave[] {
  assertZone(input.defaultZone, 'the default time zone (config "timezone")');
  if (!input.local) return [singleWave(input)];
  if (!WALL_TIME.test(input.at)) {
    throw new RolecastError('E_USAGE', `--at "${input.at}" must be a local time like 2026-11-30T08:00 with --local`, {
      hint: 'with --local the time is read in each reader’s zone, so leave out any offset or Z',
    });
  }
  const byInstant = new Map<number, Wave>();
  const byZone = new Map<string, { entry: WaveZone; wave: Wave }>();
  for (const recipient of input.recipients) {
    const zone = recipient.timezone ?? input.defaultZone;
    let slot = byZone.get(zone);
    if (!slot) {
      assertZone(zone, `the time zone of ${recipient.email}`);
      const resolved = resolveWallTime(input.at, zone);
      const wave = byInstant.get(resolved.utcMs) ?? newWave(resolved.utcMs);
      byInstant.set(resolved.utcMs, wave);
      slot = { entry: { zone, local: resolved.local, count: 0, adjustment: resolved.adjustment }, wave };
      wave.zones.push(slot.entry);
      byZone.set(zone, slot);
    }
    slot.entry.count++;
    slot.wave.emails.push(recipient.email);
    slot.wave.count++;
  }
  return [...byInstant.values()].sort((a, b) => a.utcMs - b.utcMs);
}

function singleWave(input: PlanWavesInput): Wave {
  const offsetGiven = WITH_OFFSET.test(input.at);
  if (!offsetGiven && !WALL_TIME.test(input.at)) {
    throw new RolecastError('E_USAGE', `--at "${input.at}" is not a time like 2026-11-30T08:00`, {
      hint: 'write the date and time as YYYY-MM-DDTHH:MM, optionally with an offset such as Z or +01:00',
    });
  }
  const resolved = offsetGiven ? fromOffsetTime(input.at) : resolveWallTime(input.at, input.defaultZone);
  const wave = newWave(resolved.utcMs);
  wave.zones.push({
    zone: offsetGiven ? (DateTime.fromISO(input.at, { setZone: true }).zoneName ?? 'UTC') : input.defaultZone,
    local: resolved.local,
    count: input.recipients.length,
    adjustment: resolved.adjustment,
  });
  wave.emails = input.recipients.map((r) => r.email);
  wave.count = wave.emails.length;
  return wave;
}

interface Resolved {
  utcMs: number;
  local: string;
  adjustment: Adjustment | undefined;
}

/** Offsets in use run from UTC−12:00 to UTC+14:00; past them a typo would become a real send time. */
const MIN_OFFSET_MINUTES = -12 * 60;
const MAX_OFFSET_MINUTES = 14 * 60;

function fromOffsetTime(at: string): Resolved {
  const dt = DateTime.fromISO(at, { setZone: true });
  if (!dt.isValid) throw new RolecastError('E_USAGE', `--at "${at}" is not a valid date and time`);
  if (dt.offset < MIN_OFFSET_MINUTES || dt.offset > MAX_OFFSET_MINUTES || dt.offset % 15 !== 0)
    throw new RolecastError('E_USAGE', `--at "${at}" has an offset (${dt.toFormat('ZZ')}) that no place uses`, {
      hint: 'write an offset from -12:00 to +14:00 in steps of 15 minutes, such as +01:00, or Z for UTC',
    });
  return { utcMs: dt.toMillis(), local: dt.toISO({ suppressMilliseconds: true })!, adjustment: undefined };
}

/** A wall-clock time in `zone` → the instant, by the DST rule at the top of this file. */
export function resolveWallTime(at: string, zone: string): Resolved {
  const wall = DateTime.fromISO(at, { zone: 'utc' });
  if (!wall.isValid) throw new RolecastError('E_USAGE', `--at "${at}" is not a valid date and time`);
  const wallMs = wall.toMillis();
  // Every offset the zone uses around that day; a candidate is real when it maps back to the same wall time.
  const probe = DateTime.fromMillis(wallMs, { zone });
  const offsets = new Set([-1, -0.5, 0, 0.5, 1].map((days) => probe.plus({ days }).offset));
  const candidates = [...offsets]
    .map((offset) => wallMs - offset * 60_000)
    .filter((ms) => sameWall(DateTime.fromMillis(ms, { zone }), wall))
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) {
    return {
      utcMs: first,
      local: localIso(first, zone),
      adjustment: candidates.length > 1 ? 'repeated-earlier-used' : undefined,
    };
  }
  // The wall time does not exist: luxon shifts it forward by the gap.
  const shifted = DateTime.fromISO(at, { zone });
  return { utcMs: shifted.toMillis(), local: localIso(shifted.toMillis(), zone), adjustment: 'gap-shifted-forward' };
}

function sameWall(a: DateTime, b: DateTime): boolean {
  return (
    a.year === b.year &&
    a.month === b.month &&
    a.day === b.day &&
    a.hour === b.hour &&
    a.minute === b.minute &&
    a.second === b.second
  );
}

function localIso(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!;
}

function newWave(utcMs: number): Wave {
  return { utc: new Date(utcMs).toISOString(), utcMs, zones: [], emails: [], count: 0 };
}

function assertZone(zone: string, what: string): void {
  if (!IANAZone.isValidZone(zone)) {
    throw new RolecastError('E_INVALID', `${what} "${zone}" is not a known IANA time zone`, {
      hint: 'use a zone such as Europe/Berlin or America/New_York',
    });
  }
}

const ADJUSTMENT_NOTE: Record<Adjustment, string> = {
  'gap-shifted-forward': 'skipped by DST, moved forward',
  'repeated-earlier-used': 'occurs twice, earlier one used',
};

/** The plan as a human reads it: one line per wave with zones, local time, UTC time and count. */
export function formatPlan(waves: readonly Wave[]): string {
  const total = waves.reduce((sum, w) => sum + w.count, 0);
  const lines = [`${waves.length} wave(s), ${total} recipient(s):`];
  for (const wave of waves) {
    const utc = DateTime.fromMillis(wave.utcMs, { zone: 'utc' }).toFormat("yyyy-MM-dd HH:mm 'UTC'");
    const zones = wave.zones.map((z) => {
      const local = DateTime.fromISO(z.local, { setZone: true }).toFormat('yyyy-MM-dd HH:mm ZZ');
      const note = z.adjustment ? `; ${ADJUSTMENT_NOTE[z.adjustment]}` : '';
      return `${z.zone} ${local} (${z.count}${note})`;
    });
    lines.push(`  ${utc}  ${String(wave.count).padStart(5)} recipient(s)  ${zones.join(', ')}`);
  }
  return lines.join('\n');
}
