import type { Subscriber } from '../model/subscriber.js';
import { fileEntryHash, fileFieldHash } from './fields.js';
import type { ReaderField } from './types.js';

/**
 * Every name a role of today's `roles.yaml` may have been noted under: its name, its aliases and
 * the plurals read as it. A role `roles.yaml` does not know has only its own.
 */
export type RoleSpellings = (role: string) => readonly string[];

/** Combinations of spellings tried for one reader's roles: a few roles with a few aliases each. */
const MOST_COMBINATIONS = 4096;

export function roleSpellingsOf(
  roles: readonly { name: string; aliases: readonly string[] }[],
  /** How the subscribers file itself writes each role (an alias matches whatever its case and spaces). */
  written: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
  /** Plurals read as a role ("CTOs" for CTO), noted as written before its singular was known. */
  plurals: (role: string) => readonly string[] = () => [],
): RoleSpellings {
  const byName = new Map<string, string[]>();
  // An alias is noted as the loader kept an unknown role: trimmed, its spaces collapsed.
  for (const role of roles) {
    const spelled = new Set([role.name, ...role.aliases.map(asKept)]);
    for (const spelling of written.get(role.name) ?? []) spelled.add(asKept(spelling));
    byName.set(role.name, [...spelled]);
  }
  return (role) => {
    const spellings = byName.get(role) ?? [role];
    const fromPlurals = plurals(role).filter((plural) => !spellings.includes(plural));
    return fromPlurals.length ? [...spellings, ...fromPlurals] : spellings;
  };
}

/** A role as the loader keeps one `roles.yaml` does not know (see `RoleTaxonomy.normalise`). */
function asKept(role: string): string {
  return role.normalize('NFC').trim().replace(/\s+/g, ' ');
}

/**
 * Whether the file's entry says for `field` what a send noted as `said`. The file's roles are read
 * by today's `roles.yaml`, and a send before an alias was added (or a role renamed, keeping its old
 * name as an alias) noted them under the old name: the same roles under any spelling are no change.
 */
export function saysAsNoted(entry: Subscriber, field: ReaderField, said: string, spellings?: RoleSpellings): boolean {
  if (fileFieldHash(entry, field) === said) return true;
  if (field !== 'roles' || !spellings) return false;
  for (const roles of respelled(entry.roles, spellings))
    if (fileFieldHash({ ...entry, roles }, 'roles') === said) return true;
  return false;
}

/** The same for a whole entry (see `fileEntryHash`). */
export function entrySaysAsNoted(entry: Subscriber, said: string, spellings?: RoleSpellings): boolean {
  if (fileEntryHash(entry) === said) return true;
  if (!spellings) return false;
  for (const roles of respelled(entry.roles, spellings)) if (fileEntryHash({ ...entry, roles }) === said) return true;
  return false;
}

/**
 * `roles` as a send may have noted them: each role under each of its spellings, then (two roles
 * merged into one, the other kept as its alias) under several of them at once. Every combination,
 * none past the limit.
 */
function* respelled(roles: readonly string[], spellings: RoleSpellings): Generator<string[]> {
  const each = roles.map((role) => spellings(role).map((spelling) => [spelling]));
  yield* combined(each);
  // A file that gave a reader both merged roles is read as the one role now.
  const merged = each.map((options) => subsetsOf(options.map(([spelling]) => spelling!)));
  if (merged.some((options, index) => options.length > each[index]!.length)) yield* combined(merged);
}

/** Every pick of one option per role, unless there are none to try or too many. */
function* combined(options: readonly (readonly string[][])[]): Generator<string[]> {
  let combinations = 1;
  for (const spelled of options) combinations *= spelled.length;
  if (combinations <= 1 || combinations > MOST_COMBINATIONS) return;
  const picked = options.map(() => 0);
  for (let n = 0; n < combinations; n++) {
    yield options.flatMap((spelled, index) => spelled[picked[index]!]!);
    for (let index = 0; index < picked.length; index++) {
      picked[index]! += 1;
      if (picked[index]! < options[index]!.length) break;
      picked[index] = 0;
    }
  }
}

/** The non-empty subsets of `spellings` (a role with too many aliases to try them so: each alone). */
function subsetsOf(spellings: readonly string[]): string[][] {
  if (2 ** spellings.length > MOST_COMBINATIONS) return spellings.map((spelling) => [spelling]);
  const subsets: string[][] = [];
  for (let mask = 1; mask < 2 ** spellings.length; mask++)
    subsets.push(spellings.filter((_, index) => (mask >> index) & 1));
  return subsets;
}

/**
 * Whether the file's roles, some of them read as other roles of today's `roles.yaml` one for one,
 * are the roles a send noted as `said` (`hash`: the roles' note, or the whole entry's): what an
 * earlier release's note (which has no text) looks like when only a roles.yaml written since reads
 * the same text otherwise (an alias it used split out into a role of its own). Only a role today's
 * roles.yaml names is read as another; a file that gives the reader more or fewer roles than were
 * noted, or a role roles.yaml does not know, is its editor's change. Every pick, or past the limit each role alone.
 */
export function rolesReadOtherwiseAsNoted(
  entry: Subscriber,
  said: string,
  knownRoles: readonly string[],
  hash: (entry: Subscriber) => string = (roles) => fileFieldHash(roles, 'roles'),
): boolean {
  const known = new Set(knownRoles);
  const options = entry.roles.map((role) =>
    known.has(role) ? [[role], ...knownRoles.filter((other) => other !== role).map((other) => [other])] : [[role]],
  );
  for (const roles of combined(options)) if (hash({ ...entry, roles }) === said) return true;
  // Too many picks to try them all (a reader of several roles): each role read as another alone.
  if (options.reduce((count, spelled) => count * spelled.length, 1) <= MOST_COMBINATIONS) return false;
  return options.some((spelled, index) =>
    spelled.some(
      ([other]) => hash({ ...entry, roles: entry.roles.map((role, at) => (at === index ? other! : role)) }) === said,
    ),
  );
}
