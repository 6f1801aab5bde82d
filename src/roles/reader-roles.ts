import type { RoleTaxonomy } from './taxonomy.js';

/**
 * A reader's role written as two or more joined ("CTO/VP Engineering", "CTO & Executive",
 * "CTO + Executive", "CTO and Executive"), read as those roles when each part is one the taxonomy
 * knows and the whole is not: such a reader asked for each, and the whole matches no summary. A role
 * or alias whose own name holds the separator ("UX/UI Designer", "VP of Engineering/Data") is known
 * whole and stays one; a part the taxonomy does not know leaves the whole as written.
 */
export function joinedReaderRoles(role: string, taxonomy: RoleTaxonomy): string[] | undefined {
  if (role.length > 1_000 || !/\/|&|\+|\sand\s/i.test(role) || taxonomy.lookup(role) !== undefined) return undefined;
  // A slash with a space beside it is tried first, so "VP of Engineering/Data / CTO" keeps its own slash.
  for (const separator of [/\s+[/&+]\s*|\s*[/&+]\s+|\s+and\s+/i, /[/&+]|\s+and\s+/i]) {
    const parts = role.split(separator).map((part) => part.trim());
    if (parts.length >= 2 && parts.every((part) => part !== '' && taxonomy.lookup(part) !== undefined))
      return [...new Set(parts.map((part) => taxonomy.normalise(part)))];
  }
  return undefined;
}

/**
 * A reader's roles by the taxonomy of today, as a subscribers file's are read: each known role as
 * its canonical name, known roles joined in one ("CTO/VP Engineering", stored before such a role
 * was read as each) as each of them, and any other as written. Each once, in order.
 */
export function readerRolesRead(roles: readonly string[], taxonomy: RoleTaxonomy): string[] {
  const read = roles.flatMap((role) =>
    taxonomy.lookup(role) === undefined
      ? (joinedReaderRoles(role, taxonomy) ?? [taxonomy.normalise(role)])
      : [taxonomy.normalise(role)],
  );
  return [...new Set(read)];
}
