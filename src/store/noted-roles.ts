import type { Subscriber } from '../model/subscriber.js';
import { fileEntryHash, fileFieldHash } from './fields.js';
import type { ReaderField } from './types.js';

/**
 * Every name a role of today's `roles.yaml` may have been noted under: its name and its aliases.
 * A role `roles.yaml` does not know has only its own.
 */
export type RoleSpellings = (role: string) => readonly string[];

/** Combinations of spellings tried for one reader's roles: a few roles with a few aliases each. */
const MOST_COMBINATIONS = 4096;

export function roleSpellingsOf(roles: readonly { name: string; aliases: readonly string[] }[]): RoleSpellings {
  const byName = new Map<string, string[]>();
  // An alias is noted as the loader kept an unknown role: trimmed, its spaces collapsed.
  for (const role of roles)
    byName.set(role.name, [
      role.name,
      ...role.aliases.map((alias) => alias.normalize('NFC').trim().replace(/\s+/g, ' ')),
    ]);
  return (role) => byName.get(role) ?? [role];
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

/** `roles` with each role under each of its spellings, every combination (none past the limit). */
function* respelled(roles: readonly string[], spellings: RoleSpellings): Generator<string[]> {
  const options = roles.map((role) => spellings(role));
  let combinations = 1;
  for (const spelled of options) combinations *= spelled.length;
  if (combinations <= 1 || combinations > MOST_COMBINATIONS) return;
  const picked = options.map(() => 0);
  for (let n = 0; n < combinations; n++) {
    yield options.map((spelled, index) => spelled[picked[index]!]!);
    for (let index = 0; index < picked.length; index++) {
      picked[index]! += 1;
      if (picked[index]! < options[index]!.length) break;
      picked[index] = 0;
    }
  }
}
