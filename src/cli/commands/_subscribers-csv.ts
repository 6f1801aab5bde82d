import type { Subscriber } from '../../model/subscriber.js';

/** The CSV a subscribers file may be written as (roles joined with `|`); reads back with `import`. */
export function subscribersCsv(entries: readonly Subscriber[]): string {
  const lines = ['email,name,firstName,roles,timezone,locale,status'];
  for (const s of entries)
    lines.push(
      [s.email, s.name ?? '', s.firstName ?? '', s.roles.join('|'), s.timezone ?? '', s.locale ?? '', s.status]
        .map(cell)
        .join(','),
    );
  return `${lines.join('\n')}\n`;
}

function cell(value: string): string {
  // A leading = + - @ would be a formula in a spreadsheet: quoted and prefixed, as OWASP advises.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}
