import { DateTime } from 'luxon';
import { RolecastError } from '../errors.js';
import { weeksInYear } from '../pool/week.js';

const UNIT_DAYS: Record<string, number> = { d: 1, w: 7 };
const ISO_WEEK = /^(\d{4})-W(\d{2})$/i;

/**
 * `--since 8w` / `30d` / `2026-10-01` / `2026-W48` → the moment it names, counted back from `now`.
 * A date is the start of that day in `zone` (the list's): an issue sent at 00:30 in Berlin on
 * 1 October is "since 2026-10-01" though it was still 30 September in UTC. An ISO week, as issue
 * folders are named, starts on its Monday in that zone.
 */
export function sinceDate(value: string, now: Date, zone = 'UTC'): Date {
  const text = value.trim();
  const relative = /^(\d{1,4})([dw])$/.exec(text);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_DAYS[relative[2]!]! * 86_400_000);
  const week = ISO_WEEK.exec(text);
  if (week || /^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = week
      ? DateTime.fromObject({ weekYear: Number(week[1]), weekNumber: Number(week[2]), weekday: 1 }, { zone })
      : DateTime.fromISO(text, { zone });
    // luxon carries a week past the year's last into the next year: such a week is none.
    if (start.isValid && (!week || start.weekNumber === Number(week[2]))) return start.startOf('day').toJSDate();
  }
  throw notAPeriod(value);
}

/**
 * The issues of `--since`, oldest first, from those whose send began since its moment
 * (`recordedSince`) and every issue (`all`). An ISO week names an issue: the issue of that week and
 * those of later weeks are kept whenever their send began (a first wave at 08:00 in Sydney begins
 * on Sunday in Berlin; an issue sent a week late is still of its week), and earlier weeks' are not;
 * an issue whose folder names no week counts from the week's Monday.
 */
export function issuesSince(value: string, recordedSince: readonly string[], all: readonly string[]): string[] {
  const week = weekName(value.trim());
  if (!week) return [...recordedSince];
  const began = new Set(recordedSince);
  return all.filter((id) => {
    const named = weekName(id);
    return named ? named >= week : began.has(id);
  });
}

/** `2026-W48` as written in any case, for comparing (zero-padded, so text order is week order). */
function weekName(text: string): string | undefined {
  return ISO_WEEK.test(text) ? text.toUpperCase() : undefined;
}

function notAPeriod(value: string): RolecastError {
  return new RolecastError('E_USAGE', `--since "${value}" is not a period${weeksInYear(value.trim().toUpperCase())}`, {
    hint: 'write a number of weeks or days, e.g. --since 8w or --since 30d, a date like 2026-10-01, or an ISO week like --since 2026-W48',
  });
}
