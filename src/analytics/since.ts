import { RolecastError } from '../errors.js';

const UNIT_DAYS: Record<string, number> = { d: 1, w: 7 };

/** `--since 8w` / `30d` / `2026-10-01` → the moment it names, counted back from `now`. */
export function sinceDate(value: string, now: Date): Date {
  const relative = /^(\d{1,4})([dw])$/.exec(value.trim());
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_DAYS[relative[2]!]! * 86_400_000);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value.trim())) {
    const date = new Date(`${value.trim()}T00:00:00Z`);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new RolecastError('E_USAGE', `--since "${value}" is not a period`, {
    hint: 'write a number of weeks or days, e.g. --since 8w or --since 30d, or a date like 2026-10-01',
  });
}
