import { DateTime, Interval } from 'luxon';
import { isLocaleOf, languageOf, translator } from '../i18n/index.js';
import { memo } from './_text.js';

export interface IssueWeek {
  week: number;
  weekYear: number;
  start: DateTime;
  end: DateTime;
}

/** The ISO week (Monday to Sunday) that the issue date falls in, as calendar dates in `zone`. */
export function issueWeek(isoDate: string, zone = 'UTC'): IssueWeek {
  return memo(
    memo(weeks, isoDate, () => new Map()),
    zone,
    () => findIssueWeek(isoDate, zone),
  );
}

// Every variant's view asks for the same week and lines; luxon takes milliseconds to work them out.
// Kept by date, then zone (then locale): no key is joined from parts that could run together.
const weeks = new Map<string, Map<string, IssueWeek>>();
const weekLines = new Map<string, Map<string, Map<string, string>>>();

function findIssueWeek(isoDate: string, zone: string): IssueWeek {
  const day = DateTime.fromISO(isoDate, { zone });
  return { week: day.weekNumber, weekYear: day.weekYear, start: day.startOf('week'), end: day.endOf('week') };
}

/**
 * "Week 48 · 23–29 November 2026", worded and ordered for the reader's locale. A locale whose
 * language has no catalogue is written in the fallback language, dates included, so the line is
 * never half one language and half another.
 */
export function weekLine(isoDate: string, locale: string, zone: string): string {
  const byZone = memo(
    memo(weekLines, isoDate, () => new Map()),
    zone,
    () => new Map<string, string>(),
  );
  return memo(byZone, locale, () => findWeekLine(isoDate, locale, zone));
}

function findWeekLine(isoDate: string, locale: string, zone: string): string {
  const language = languageOf(locale);
  const formatLocale = isLocaleOf(locale, language) ? locale : language;
  const { week, start, end } = issueWeek(isoDate, zone);
  const range = Interval.fromDateTimes(start.setLocale(formatLocale), end.setLocale(formatLocale)).toLocaleString({
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  return translator(language)('email.weekLine', { week, range });
}

/** Date lines repeat across thousands of readers; a handful of locale/zone pairs cover them all. */
export function createWeekLineCache(isoDate: string): (locale: string, zone: string) => string {
  const cache = new Map<string, string>();
  return (locale, zone) => {
    const key = `${locale}|${zone}`;
    let line = cache.get(key);
    if (line === undefined) {
      line = weekLine(isoDate, locale, zone);
      cache.set(key, line);
    }
    return line;
  };
}
