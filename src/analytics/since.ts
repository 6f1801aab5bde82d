import { DateTime } from 'luxon';
import { RolecastError } from '../errors.js';

const UNIT_DAYS: Record<string, number> = { d: 1, w: 7 };

/**
 * `--since 8w` / `30d` / `2026-10-01` → the moment it names, counted back from `now`. A date is the
 * start of that day in `zone` (the list's): an issue sent at 00:30 in Berlin on 1 October is "since
 * 2026-10-01" though it was still 30 September in UTC.
 */
export function sinceDate(value: string, now: Date, zone = 'UTC'): Date {
  const relative = /^(\d{1,4})([dw])$/.exec(value.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_DAYS[relative[2]!]! * 86_400_000);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) {
    const day = DateTime.fromISO(value.trim(), { zone });
    if (day.isValid) return day.startOf('day').toJSDate();
  }
  throw new RolecastError('E_USAGE', `--since "${value}" is not a period`, {
    hint: 'write a number of weeks or days, e.g. --since 8w or --since 30d, or a date like 2026-10-01',
  });
}
