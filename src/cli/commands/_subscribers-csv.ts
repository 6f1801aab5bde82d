import { RolecastError } from '../../errors.js';
import { readerRolesSplit } from '../../load/_comma-roles.js';
import { guardFormula } from '../../load/_formula-guard.js';
import type { Subscriber } from '../../model/subscriber.js';
import { printable } from '../../printable.js';

/** The CSV a subscribers file may be written as (roles joined with `|`); reads back with `import`. */
export function subscribersCsv(
  entries: readonly Subscriber[],
  /** Whether the roles file names a role, as `import` asks to keep "Head of Sales, EMEA" whole. */
  known: (role: string) => boolean = () => false,
): string {
  const lines = ['email,name,firstName,roles,timezone,locale,status'];
  for (const s of entries)
    lines.push(
      [s.email, s.name ?? '', s.firstName ?? '', rolesCell(s, known), s.timezone ?? '', s.locale ?? '', s.status]
        .map(cell)
        .join(','),
    );
  return `${lines.join('\n')}\n`;
}

/**
 * Reading splits a roles cell at `|`, `;`, `,` and line breaks, keeping a comma the roles file
 * explains inside its role ("Head of Sales, EMEA"): any other role holding one would come back as
 * two, so the export is refused rather than written that way.
 */
function rolesCell(reader: Subscriber, known: (role: string) => boolean): string {
  const split = reader.roles.find((role) => {
    if (!/[|;,\r\n]/.test(role)) return false;
    const read = readerRolesSplit(role, known);
    return read.length !== 1 || read[0] !== role;
  });
  if (split !== undefined)
    throw new RolecastError(
      'E_INVALID',
      `the role "${printable(split)}" of ${printable(reader.email)} holds | ; or , which a CSV roles cell splits at (a comma only inside a role the roles file names); nothing was exported`,
      { hint: 'export as JSON (leave out --format csv), which keeps the role whole' },
    );
  return reader.roles.join('|');
}

function cell(value: string): string {
  // Quoted as well as prefixed, so the `'` is plainly part of the cell.
  const safe = guardFormula(value);
  return /[",\r\n]/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}
