import { escapeHtml } from '../escape.js';
import type { Variant } from '../group/index.js';
import { LIMITS } from '../load/limits.js';
import type { Subscriber } from '../model/subscriber.js';
import { encodedBytes } from './personal-room.js';

/**
 * The footer's "Nothing this week for …" names a reader's own roles that had no content (see
 * fill.ts): text of the reader's own, up to three role names or two and a count, that the sample
 * reader's message never holds. The size gate makes room for it as for the name and address: from
 * the list's own longest role names when the list is known, else from the longest a role may be.
 */

/**
 * A variant's roles are some of one reader's, so at most `rolesPerSubscriber` of the list's longest
 * role names are in it: the three longest of the rest are among the names kept.
 */
const NAMES_KEPT = LIMITS.rolesPerSubscriber + 3;

/** Role names of the limit's length, each character three UTF-8 bytes (nine once encoded). */
const LONGEST_ROLES = ['龍', '鳳', '虎'].map((glyph) => glyph.repeat(LIMITS.roleLength));

/** The list's longest role names, longest first, each with a reader who holds it. */
export interface RoleHolders {
  names: string[];
  holders: Subscriber[];
}

/** One pass over the list; a roles array shared by many readers (as a loaded list shares them) is read once. */
export function longestRoleHolders(subscribers: Iterable<Subscriber>): RoleHolders {
  const found = new Map<string, { bytes: number; reader: Subscriber }>();
  const read = new WeakSet<readonly string[]>();
  let last: readonly string[] | undefined;
  for (const reader of subscribers) {
    const roles = reader.roles;
    if (roles === last || read.has(roles)) continue;
    last = roles;
    read.add(roles);
    for (const name of roles) if (!found.has(name)) found.set(name, { bytes: encodedBytes(escapeHtml(name)), reader });
  }
  const longest = [...found].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, NAMES_KEPT);
  const holders: Subscriber[] = [];
  for (const [, { reader }] of longest) if (!holders.includes(reader)) holders.push(reader);
  return { names: longest.map(([name]) => name), holders };
}

/**
 * Roles arrays whose quiet line for `variant` is the longest one `names` (longest first) can make:
 * the three longest others named, or the two longest and the most others counted. None for the
 * editor edition or when no other name is left. Without `names`, the longest roles accepted.
 */
export function quietRoleSets(variant: Variant, names: readonly string[] | undefined): string[][] {
  if (variant.isEditorEdition) return [];
  const others = (names ?? LONGEST_ROLES).filter((name) => !variant.roles.includes(name));
  if (!others.length) return [];
  const own = variant.roles;
  const sets = [[...own, ...others.slice(0, 3)]];
  if (others.length > 3) sets.push([...own, ...others].slice(0, Math.max(LIMITS.rolesPerSubscriber, own.length + 3)));
  return sets;
}
