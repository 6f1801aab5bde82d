import { canonicalAddress } from '../address.js';
import { append } from '../append.js';
import { detach } from '../detach.js';
import type { Problem } from '../errors.js';
import { SubscriberSchema } from '../model/subscriber.js';
import { SubscriberTable } from '../model/subscriber-table.js';
import { joinedReaderRoles } from '../roles/reader-roles.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { createAddressSet } from './_address-set.js';
import { createLeftFieldsCheck } from './_left-fields.js';
import { lookalikeIn } from './_lookalike.js';
import { readerRoleReadAs } from './_role-spellings.js';
import { joinedRoles, lenient, typedRoles } from './_subscriber-entry.js';
import { fastSubscriber } from './_subscriber-fast.js';
import {
  finishValidation,
  KNOWN_FIELDS,
  subscriberHint,
  tooLongHint,
  valueAt,
  withBadValue,
} from './_subscriber-problems.js';
import type { SubscriberTableResult } from './_subscriber-results.js';
import { undecodableField } from './_undecodable-field.js';
import { formatPath, zodProblems } from './_validate.js';
import { LIMITS } from './limits.js';

/**
 * Subscriber entries checked one at a time, in file order, whichever file they came from (JSON
 * whole or streamed, CSV rows): the readers kept as a table, every problem said once.
 */

/** Addresses mixing scripts named one by one, up to this many. */
const SHOWN_LOOKALIKES = 20;

/** Duplicate addresses named one by one; the rest are counted in one warning. */
const SHOWN_DUPLICATES = 10;

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
  // Lists are large and role sets repeat: share one roles array per distinct set written, and look
  // its roles up in the taxonomy once. `unknown` holds the position of each role it does not know.
  // `readAs` holds the position of each role read otherwise than written (joined roles, look-alike letters).
  const roleSets = new Map<string, { roles: string[]; unknown: number[]; readAs: number[] }>();
  const unknownRoles = new Map<string, { count: number; path: (string | number)[]; line: number }>();
  const rolesReadAs = new Map<string, { count: number; path: (string | number)[]; line: number }>();
  const unknownFields = new Map<string, { count: number; path: (string | number)[]; line: number }>();
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
      const path = [...prefix, index, 'roles'];
      problems.push({
        severity: 'error',
        file,
        line: lineOf(path),
        field: formatPath(path),
        message: `has too many roles (${roleCount})`,
        hint: `limit ${LIMITS.rolesPerSubscriber}`,
      });
      return;
    }
    // The schema judges only what the fast check is not sure of (and words every problem). An entry
    // the fast check takes has known fields only.
    const fast = fastSubscriber(entry ?? raw);
    if (entry && !fast) {
      for (const field of Object.keys(entry)) {
        if (KNOWN_FIELDS.has(field)) continue;
        const seenField = unknownFields.get(field);
        if (seenField) seenField.count++;
        else {
          const path = [...prefix, index, field];
          unknownFields.set(field, { count: 1, path, line: lineOf(path) });
        }
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
      problems.push({
        severity: 'warning',
        file,
        line: lineOf([...prefix, index, field]),
        field: formatPath([...prefix, index, field]),
        message: "holds U+FFFD, a character the file's encoding could not give (names show it as �)",
        hint: 'write the list as UTF-8 and load it again',
      });
    }
    const lookalike = lookalikeIn(subscriber.email);
    if (lookalike && ++lookalikes > SHOWN_LOOKALIKES)
      moreLookalikesAt ??= { line: lineOf([...prefix, index, 'email']), index };
    else if (lookalike)
      problems.push({
        severity: 'warning',
        file,
        line: lineOf([...prefix, index, 'email']),
        field: formatPath([...prefix, index, 'email']),
        message: `mixes scripts: its ${lookalike.part} holds ${lookalike.codePoint} ("${lookalike.char}") among Latin letters, and reads like an all-Latin address that is another mailbox`,
        hint: 'check the address with the reader, or retype it by hand; it is kept as written',
      });
    const key = canonicalAddress(subscriber.email);
    const first = seen.addOrFirst(key, table.length, index);
    if (first >= 0 && subscriber.status === 'unsubscribed' && !unsubscribed.has(key)) {
      // Keeping the first would mail someone the list itself says left.
      problems.push({
        severity: 'error',
        file,
        line: lineOf([...prefix, index]),
        field: formatPath([...prefix, index, 'status']),
        message: `duplicate of entry [${first}], which is not unsubscribed, and this one is`,
        hint: 'keep one entry per address: this one, if the reader left',
      });
      return;
    }
    if (first >= 0) {
      duplicates++;
      if (duplicates <= SHOWN_DUPLICATES)
        problems.push({
          severity: 'warning',
          file,
          line: lineOf([...prefix, index]),
          field: formatPath([...prefix, index, 'email']),
          message: `duplicate of entry [${first}]; only the first is used`,
          hint: 'remove one of the two entries',
        });
      else if (duplicates === SHOWN_DUPLICATES + 1) moreDuplicatesAt = { line: lineOf([...prefix, index]), index };
      return;
    }
    if (subscriber.status === 'unsubscribed') unsubscribed.add(key);
    // A role holding the separator itself is never shared: ["a\u0000b"] is not ["a", "b"].
    const written = subscriber.roles.some((role) => role.includes('\u0000'))
      ? undefined
      : subscriber.roles.join('\u0000');
    let set = written === undefined ? undefined : roleSets.get(written);
    if (!set) {
      const roles: string[] = [];
      const unknown: number[] = [];
      const readAs: number[] = [];
      subscriber.roles.forEach((role, roleIndex) => {
        const known = taxonomy.lookup(role) !== undefined;
        const joined = known ? undefined : joinedReaderRoles(role, taxonomy);
        for (const name of joined ?? [taxonomy.normalise(role)]) if (!roles.includes(name)) roles.push(kept(name));
        if (joined !== undefined || taxonomy.lookAlikeOf?.(role) !== undefined) readAs.push(roleIndex);
        else if (!known) unknown.push(roleIndex);
      });
      set = { roles, unknown, readAs };
      if (written !== undefined) roleSets.set(written, set);
    }
    for (const roleIndex of set.unknown) {
      const role = subscriber.roles[roleIndex]!;
      const known = unknownRoles.get(role);
      if (known) known.count++;
      else {
        const path = [...prefix, index, 'roles', roleIndex];
        unknownRoles.set(kept(role), { count: 1, path, line: lineOf(path) });
      }
    }
    for (const roleIndex of set.readAs) {
      const role = subscriber.roles[roleIndex]!;
      const known = rolesReadAs.get(role);
      if (known) known.count++;
      else {
        const path = [...prefix, index, 'roles', roleIndex];
        rolesReadAs.set(kept(role), { count: 1, path, line: lineOf(path) });
      }
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
        problems.push({
          severity: 'warning',
          file,
          line: moreLookalikesAt.line,
          field: formatPath([...prefix, moreLookalikesAt.index, 'email']),
          message: `and ${lookalikes - SHOWN_LOOKALIKES} more addresses mixing scripts from here on (${lookalikes} in all), each reading like an all-Latin address that is another mailbox`,
          hint: 'check these addresses with their readers, or retype them by hand; they are kept as written',
        });
      if (moreDuplicatesAt)
        problems.push({
          severity: 'warning',
          file,
          line: moreDuplicatesAt.line,
          field: formatPath([...prefix, moreDuplicatesAt.index, 'email']),
          message: `and ${duplicates - SHOWN_DUPLICATES} more duplicates of earlier entries from here on (${duplicates} in all); only the first of each address is used`,
          hint: 'remove the repeated entries (addresses are compared ignoring case)',
        });
      for (const [role, seenAt] of rolesReadAs) problems.push(readerRoleReadAs(file, role, seenAt, taxonomy));
      return finishValidation(file, taxonomy, table, problems, unknownFields, unknownRoles);
    },
  };
}
