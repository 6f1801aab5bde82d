import { joinedReaderRoles } from '../roles/reader-roles.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';

/**
 * A reader's roles as the taxonomy names them, with the position of each role it does not know
 * (`unknown`) and of each read otherwise than written (`readAs`: joined roles, look-alike letters).
 */
export interface RoleSet {
  roles: string[];
  unknown: number[];
  readAs: number[];
}

/**
 * Lists are large and role sets repeat: one roles array shared per distinct set written, its roles
 * looked up in the taxonomy once. `kept` copies a name the set keeps out of the file's text.
 */
export function createRoleSets(taxonomy: RoleTaxonomy, kept: (text: string) => string): (written: string[]) => RoleSet {
  const roleSets = new Map<string, RoleSet>();
  return (written) => {
    // A role holding the separator itself is never shared: ["a\u0000b"] is not ["a", "b"].
    const key = written.some((role) => role.includes('\u0000')) ? undefined : written.join('\u0000');
    let set = key === undefined ? undefined : roleSets.get(key);
    if (!set) {
      const roles: string[] = [];
      const unknown: number[] = [];
      const readAs: number[] = [];
      written.forEach((role, roleIndex) => {
        const known = taxonomy.lookup(role) !== undefined;
        const joined = known ? undefined : joinedReaderRoles(role, taxonomy);
        for (const name of joined ?? [taxonomy.normalise(role)]) if (!roles.includes(name)) roles.push(kept(name));
        if (joined !== undefined || taxonomy.lookAlikeOf?.(role) !== undefined) readAs.push(roleIndex);
        else if (!known) unknown.push(roleIndex);
      });
      set = { roles, unknown, readAs };
      if (key !== undefined) roleSets.set(key, set);
    }
    return set;
  };
}

/** Where a name (an unknown field or role) was first seen, and how many entries hold it. */
export interface SeenAt {
  count: number;
  path: (string | number)[];
  line: number;
}

/** Counts `name` once more, or records where it is first seen (under `keep(name)`, its own copy). */
export function countSeen(
  seen: Map<string, SeenAt>,
  name: string,
  path: () => (string | number)[],
  lineOf: (path: readonly PropertyKey[]) => number,
  keep: (name: string) => string = (same) => same,
): void {
  const known = seen.get(name);
  if (known) known.count++;
  else {
    const at = path();
    seen.set(keep(name), { count: 1, path: at, line: lineOf(at) });
  }
}
