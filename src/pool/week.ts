import { DateTime } from 'luxon';

/** Issue folders named for their ISO week, e.g. `2026-W50`. */
export const WEEK_PATTERN = /^(\d{4})-W(\d{2})$/;

/** Monday of an ISO week, or undefined when the name is not a real week (2026-W54). */
export function weekStart(week: string): DateTime | undefined {
  const match = WEEK_PATTERN.exec(week);
  if (!match) return undefined;
  const start = DateTime.fromObject(
    { weekYear: Number(match[1]), weekNumber: Number(match[2]), weekday: 1 },
    { zone: 'UTC' },
  );
  return start.isValid && start.weekNumber === Number(match[2]) ? start : undefined;
}

export function weekOf(date: DateTime): string {
  return date.toFormat("kkkk-'W'WW");
}

/** The week after the newest week-named folder, else the current week in the given zone. */
export function nextWeek(folderNames: readonly string[], now: Date, zone: string): string {
  const weeks = folderNames.filter((name) => weekStart(name) !== undefined).sort();
  const newest = weeks.at(-1);
  if (newest) return weekOf(weekStart(newest)!.plus({ weeks: 1 }));
  return weekOf(DateTime.fromJSDate(now, { zone }));
}

/** A date inside `week` on the given ISO weekday (1 = Monday), written YYYY-MM-DD. */
export function dateInWeek(week: string, weekday: number): string {
  const start = weekStart(week);
  if (!start) throw new RangeError(`not an ISO week: ${week}`);
  return start.plus({ days: Math.min(Math.max(weekday, 1), 7) - 1 }).toISODate()!;
}

/**
 * For a week number the year does not reach (`2027-W53`: 2027 has 52 ISO weeks), how many it has,
 * as ", 2027 has 52 ISO weeks"; empty otherwise (not written as a week, or week 00).
 */
export function weeksInYear(week: string): string {
  const match = WEEK_PATTERN.exec(week);
  if (!match) return '';
  const count = DateTime.fromObject({ weekYear: Number(match[1]), weekNumber: 1, weekday: 1 }).weeksInWeekYear;
  return Number(match[2]) > count ? `: ${match[1]} has ${count} ISO weeks` : '';
}
