import type { Problem } from '../errors.js';
import { joinedReaderRoles } from '../roles/reader-roles.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { formatPath } from './_validate.js';

/**
 * "ML Engineers & Data Scientists": two roles joined with "&", each one the taxonomy knows, read as
 * both (a reader of either gets the summary). A role the taxonomy knows by that name stays one.
 */
export function ampersandRoles(role: string, taxonomy: RoleTaxonomy): string[] | undefined {
  if (role.length > 1_000 || !/\s&\s/.test(role) || taxonomy.lookup(role) !== undefined) return undefined;
  const parts = role.split(/\s+&\s+/).map((part) => part.trim());
  if (parts.length < 2 || !parts.every((part) => part !== '' && taxonomy.lookup(part) !== undefined)) return undefined;
  return parts.map((part) => taxonomy.normalise(part));
}

/**
 * "CTO | Executive", "CTO · Executive", "CTO • Executive", "CTO; Executive": roles parted by a bar, a
 * dot or a semicolon, as a profile or a slide lists them (and as a reader's roles cell is split on "|"
 * and ";"), read as each when
 * every part is a known role, or known roles joined as `joinedReaderRoles` reads them, and the whole
 * is no role. A part no role names leaves the whole one unknown role, as for a slash.
 */
export function markedRoles(role: string, taxonomy: RoleTaxonomy): string[] | undefined {
  if (role.length > 1_000 || !/[|·•;]/.test(role) || taxonomy.lookup(role) !== undefined) return undefined;
  const parts = role
    .split(/[|·•;]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  const read = parts.map((part) =>
    taxonomy.lookup(part) !== undefined
      ? [taxonomy.normalise(part)]
      : (ampersandRoles(part, taxonomy) ?? joinedReaderRoles(part, taxonomy)),
  );
  if (parts.length < 2 || read.some((roles) => roles === undefined)) return undefined;
  return [...new Set(read.flatMap((roles) => roles ?? []))];
}

/**
 * "CTO; Executive", "CTO / Engineering Manager" or "CEO/Founder" written as one role: when splitting on
 * `;`, a bar, a middle dot, "and", "&" or a slash gives known roles, suggest them apart (once each). A slash with a space
 * beside it is tried first, so "VP of Engineering/Data / CTO" keeps the role whose name holds one.
 */
export function splitSuggestion(role: string, taxonomy: RoleTaxonomy): string[] | undefined {
  if (role.length > 1_000 || !/[;|·•]|\/|\sand\s|\s&\s/i.test(role)) return undefined;
  // A bar or a middle dot, as a list is written in a profile or a slide: "CTO | Executive", "CTO · Executive".
  for (const separator of [/[;|·•]|\s+\/\s*|\s*\/\s+|\s+and\s+|\s+&\s+/i, /[;|·•]|\/|\s+and\s+|\s+&\s+/i]) {
    const parts = role
      .split(separator)
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
    if (parts.length >= 2 && parts.every((part) => taxonomy.lookup(part) !== undefined))
      return [...new Set(parts.map((part) => taxonomy.normalise(part)))];
  }
  return undefined;
}

/**
 * The warning for a reader's role read otherwise than written (joined roles, look-alike letters),
 * once per role as written however many readers hold it.
 */
export function readerRoleReadAs(
  file: string,
  role: string,
  seenAt: { count: number; path: (string | number)[]; line: number },
  taxonomy: RoleTaxonomy,
): Problem {
  const readers = seenAt.count > 1 ? ` (${seenAt.count} subscribers)` : '';
  const lookAlike = taxonomy.lookAlikeOf?.(role);
  const where = { severity: 'warning' as const, file, line: seenAt.line, field: formatPath(seenAt.path) };
  if (lookAlike !== undefined)
    return {
      ...where,
      message: `"${role}" is written with Cyrillic or Greek letters that look like Latin ones: it is read as ${lookAlike}${readers}`,
      hint: `retype it in Latin letters as ${lookAlike}`,
    };
  const parts = joinedReaderRoles(role, taxonomy) ?? [];
  return {
    ...where,
    message: `"${role}" is read as ${parts.length === 1 ? 'one role' : `${parts.length} roles`}: ${parts.join(', ')}${readers}`,
    hint: `separate the roles with "|", ";" or a comma to say so plainly: write "${parts.join('|')}" (or each as an entry of a roles list)`,
  };
}
