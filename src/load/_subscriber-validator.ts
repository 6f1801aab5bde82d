import { canonicalAddress } from '../address.js';
import { append } from '../append.js';
import { detach } from '../detach.js';
import type { Problem } from '../errors.js';
import { SubscriberSchema } from '../model/subscriber.js';
import { SubscriberTable } from '../model/subscriber-table.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { createAddressSet } from './_address-set.js';
import { createLeftFieldsCheck } from './_left-fields.js';
import { lookalikeIn } from './_lookalike.js';
import { readerRoleReadAs } from './_role-spellings.js';
import { joinedRoles, lenient, typedRoles } from './_subscriber-entry.js';
import { fastSubscriber } from './_subscriber-fast.js';
import {
  duplicateLeft,
  duplicateOf,
  mixesScripts,
  moreDuplicates,
  moreMixingScripts,
  SHOWN_DUPLICATES,
  SHOWN_LOOKALIKES,
  tooManyRoles,
  undecodableIn,
} from './_subscriber-notices.js';
import {
  finishValidation,
  KNOWN_FIELDS,
  subscriberHint,
  tooLongHint,
  valueAt,
  withBadValue,
} from './_subscriber-problems.js';
import type { SubscriberTableResult } from './_subscriber-results.js';
import { countSeen, createRoleSets, type SeenAt } from './_subscriber-role-sets.js';
import { undecodableField } from './_undecodable-field.js';
import { zodProblems } from './_validate.js';
import { LIMITS } from './limits.js';

/**
 * Subscriber entries checked one at a time, in file order, whichever file they came from (JSON
 * whole or streamed, CSV rows): the readers kept as a table, every problem said once.
 */

export function validateEntries(
  entries: unknown[],
  file: string,
  taxonomy: RoleTaxonomy,
  lineOf: (path: readonly PropertyKey[]) => number,
  prefix: (string | number)[],
): SubscriberTableResult {
  const validator = createEntryValidator(file, taxonomy, prefix);
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    entries[index] = undefined; // let the raw entry be collected as we go
    validator.add(entry, lineOf);
  }
  return validator.finish();
}

export interface EntryValidator {
  /** Checks the next entry; `lineOf` answers for paths from the document's root. */
  add(entry: unknown, lineOf: (path: readonly PropertyKey[]) => number): void;
  finish(): SubscriberTableResult;
}

/**
 * Validates entries one at a time, in file order, so a list can be checked as it is read. Keeps
 * only what the result needs: the subscribers, one canonical address per reader for duplicates,
 * and one record per distinct unknown field or role.
 */
export function createEntryValidator(
  file: string,
  taxonomy: RoleTaxonomy,
  prefix: readonly (string | number)[],
  options: {
    /** Copy the text a kept reader holds out of the file's text (CSV cells are slices of it). */
    copyKept?: boolean;
    /** U+FFFD is said by the reader of the file (CSV says it of any cell). */
    undecodableSaid?: boolean;
    /** Fields saying a reader left are read by the reader of the file (CSV reads them per row). */
    leftFieldsRead?: boolean;
  } = {},
): EntryValidator {
  const kept = options.copyKept ? detach : (text: string) => text;
  // A JSON file is UTF-8; bytes that were not decoded to U+FFFD: the name or role they stood for is lost.
  let undecodableSaid = options.undecodableSaid ?? false;
  const problems: Problem[] = [];
  const table = new SubscriberTable();
  // A kept reader's canonical address is worked out again from the table when asked for: only on
  // an equal hash (a duplicate, or a rare collision). Kept, a list with capitals or Unicode domains
  // in every address would hold a second string per reader while it is read.
  const seen = createAddressSet((reader) => canonicalAddress(table.email(reader)));
  // Addresses the list says unsubscribed: a later duplicate saying so must not lose to an earlier active one.
  const unsubscribed = new Set<string>();
  const roleSetOf = createRoleSets(taxonomy, kept);
  const unknownRoles = new Map<string, SeenAt>();
  const rolesReadAs = new Map<string, SeenAt>();
  const unknownFields = new Map<string, SeenAt>();
  // A JSON entry's "unsubscribed": true, read as the same CSV column is.
  const left = options.leftFieldsRead ? undefined : createLeftFieldsCheck(file, prefix);
  // Mixed-script addresses past the first few are not named: a list of them is one problem to look into.
  let lookalikes = 0;
  let moreLookalikesAt: { line: number; index: number } | undefined;
  // Duplicates past the first few are one warning: a list merged twice must not bury the others.
  let duplicates = 0;
  let moreDuplicatesAt: { line: number; index: number } | undefined;
  let index = -1;
  const add = (given: unknown, lineOf: (path: readonly PropertyKey[]) => number): void => {
    index++;
    const raw = left ? left.entry(given, index, lineOf) : given;
    const entry = lenient(raw, taxonomy);
    const roleCount = Array.isArray(entry?.roles) ? entry.roles.length : 0;
    if (roleCount > LIMITS.rolesPerSubscriber) {
      // One problem, before any per-role work: a list of 150,000 roles is refused in one step.
      problems.push(tooManyRoles(file, [...prefix, index], lineOf([...prefix, index, 'roles']), roleCount));
      return;
    }
    // The schema judges only what the fast check is not sure of (and words every problem). An entry
    // the fast check takes has known fields only.
    const fast = fastSubscriber(entry ?? raw);
    if (entry && !fast) {
      for (const field of Object.keys(entry)) {
        if (!KNOWN_FIELDS.has(field)) countSeen(unknownFields, field, () => [...prefix, index, field], lineOf);
      }
    }
    const result = fast
      ? { success: true as const, data: fast }
      : SubscriberSchema.safeParse(entry ?? raw, { reportInput: true });
    if (!result.success) {
      append(
        problems,
        result.error.issues.flatMap((issue) =>
          zodProblems(
            { issues: [issue] } as typeof result.error,
            file,
            lineOf,
            issue.code === 'too_big' ? tooLongHint : subscriberHint,
            [...prefix, index],
          ).map((problem) => withBadValue(problem, valueAt(entry, issue.path))),
        ),
      );
      return;
    }
    const subscriber = result.data;
    const undecodable = undecodableSaid ? undefined : undecodableField(subscriber);
    if (undecodable) {
      undecodableSaid = true;
      const field = undecodable;
      problems.push(undecodableIn(file, [...prefix, index], field, lineOf([...prefix, index, field])));
    }
    const lookalike = lookalikeIn(subscriber.email);
    if (lookalike && ++lookalikes > SHOWN_LOOKALIKES)
      moreLookalikesAt ??= { line: lineOf([...prefix, index, 'email']), index };
    else if (lookalike)
      problems.push(mixesScripts(file, [...prefix, index], lineOf([...prefix, index, 'email']), lookalike));
    const key = canonicalAddress(subscriber.email);
    const first = seen.addOrFirst(key, table.length, index);
    if (first >= 0 && subscriber.status === 'unsubscribed' && !unsubscribed.has(key)) {
      problems.push(duplicateLeft(file, [...prefix, index], lineOf([...prefix, index]), first));
      return;
    }
    if (first >= 0) {
      duplicates++;
      if (duplicates <= SHOWN_DUPLICATES)
        problems.push(duplicateOf(file, [...prefix, index], lineOf([...prefix, index]), first));
      else if (duplicates === SHOWN_DUPLICATES + 1) moreDuplicatesAt = { line: lineOf([...prefix, index]), index };
      return;
    }
    if (subscriber.status === 'unsubscribed') unsubscribed.add(key);
    const set = roleSetOf(subscriber.roles);
    const rolePath = (roleIndex: number) => () => [...prefix, index, 'roles', roleIndex];
    for (const roleIndex of set.unknown) {
      const role = subscriber.roles[roleIndex]!;
      countSeen(unknownRoles, role, rolePath(roleIndex), lineOf, kept);
    }
    for (const roleIndex of set.readAs) {
      const role = subscriber.roles[roleIndex]!;
      countSeen(rolesReadAs, role, rolePath(roleIndex), lineOf, kept);
    }
    const zone = entry?.timezone;
    const asRead = subscriber.roles;
    taxonomy.readsWritten?.(
      key,
      () => typedRoles(raw) ?? asRead,
      typeof zone === 'string' && zone !== subscriber.timezone ? zone : undefined,
      () => joinedRoles(raw),
    );
    subscriber.roles = set.roles;
    // The table keeps its own copy of the reader's text: the entry itself is dropped.
    table.push(subscriber);
  };
  return {
    add,
    finish: () => {
      if (left) problems.unshift(...left.problems());
      if (moreLookalikesAt)
        problems.push(moreMixingScripts(file, [...prefix, moreLookalikesAt.index], moreLookalikesAt.line, lookalikes));
      if (moreDuplicatesAt)
        problems.push(moreDuplicates(file, [...prefix, moreDuplicatesAt.index], moreDuplicatesAt.line, duplicates));
      for (const [role, seenAt] of rolesReadAs) problems.push(readerRoleReadAs(file, role, seenAt, taxonomy));
      return finishValidation(file, taxonomy, table, problems, unknownFields, unknownRoles);
    },
  };
}
