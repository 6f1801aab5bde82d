import { DateTime, Interval } from 'luxon';

/** "Week" in the languages a reader's locale is likely to ask for; English otherwise. */
const WEEK_WORD: Record<string, string> = {
  de: 'KW',
  fr: 'Semaine',
  es: 'Semana',
  it: 'Settimana',
  nl: 'Week',
  pt: 'Semana',
  pl: 'Tydzień',
  sv: 'Vecka',
  da: 'Uge',
  nb: 'Uke',
};

export interface IssueWeek {
  week: number;
  weekYear: number;
  start: DateTime;
  end: DateTime;
}

/** The ISO week (Monday to Sunday) that the issue date falls in, as calendar dates in `zone`. */
export function issueWeek(isoDate: string, zone = 'UTC'): IssueWeek {
  const day = DateTime.fromISO(isoDate, { zone });
  return { week: day.weekNumber, weekYear: day.weekYear, start: day.startOf('week'), end: day.endOf('week') };
}

export function weekWord(locale: string): string {
  return WEEK_WORD[locale.toLowerCase().split('-')[0] ?? ''] ?? 'Week';
}

/** "Week 48 · 23–29 November 2026", worded and ordered for the reader's locale. */
export function weekLine(isoDate: string, locale: string, zone: string): string {
  const { week, start, end } = issueWeek(isoDate, zone);
  const range = Interval.fromDateTimes(start.setLocale(locale), end.setLocale(locale)).toLocaleString({
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  return `${weekWord(locale)} ${week} · ${range}`;
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
