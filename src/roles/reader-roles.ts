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
  return namedRolesJoined(role, taxonomy);
}

/** Past this many pieces a role is not split by known names: no one joins that many roles. */
const MOST_PIECES = 12;

/**
 * "CTO/VP of Engineering/Data": the separator joins roles and is part of a role's own name too, so
 * neither split above reads it. Read as the fewest known roles whose names, with the separators
 * between them as written, make up the whole; undefined when no such reading exists.
 */
function namedRolesJoined(role: string, taxonomy: RoleTaxonomy): string[] | undefined {
  const pieces = role.split(/(\s*[/&+]\s*|\s+and\s+)/i);
  const count = (pieces.length + 1) / 2;
  if (count < 3 || count > MOST_PIECES) return undefined;
  // fewest[i]: the fewest known roles that make up the first i pieces, and where the last begins.
  const fewest: ({ parts: number; from: number } | undefined)[] = [{ parts: 0, from: 0 }];
  for (let end = 1; end <= count; end++)
    for (let from = 0; from < end; from++) {
      const before = fewest[from];
      if (before === undefined || (fewest[end] !== undefined && fewest[end]!.parts <= before.parts + 1)) continue;
      const part = pieces
        .slice(from * 2, end * 2 - 1)
        .join('')
        .trim();
      if (part !== '' && taxonomy.lookup(part) !== undefined) fewest[end] = { parts: before.parts + 1, from };
    }
  if (fewest[count] === undefined || fewest[count]!.parts < 2) return undefined;
  const parts: string[] = [];
  for (let end = count; end > 0; end = fewest[end]!.from)
    parts.unshift(
      taxonomy.normalise(
        pieces
          .slice(fewest[end]!.from * 2, end * 2 - 1)
          .join('')
          .trim(),
      ),
    );
  return [...new Set(parts)];
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
