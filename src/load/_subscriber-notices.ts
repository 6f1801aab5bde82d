import type { Problem } from '../errors.js';
import type { Lookalike } from './_lookalike.js';
import { formatPath } from './_validate.js';
import { LIMITS } from './limits.js';

/**
 * The problems a subscriber entry raises on its own, each worded once: `path` is the entry's
 * (prefix and index), `line` the line it or its named field starts on.
 */

/** Addresses mixing scripts named one by one, up to this many. */
export const SHOWN_LOOKALIKES = 20;

/** Duplicate addresses named one by one; the rest are counted in one warning. */
export const SHOWN_DUPLICATES = 10;

type Path = readonly (string | number)[];

function entryProblem(
  severity: Problem['severity'],
  file: string,
  line: number,
  field: Path,
  message: string,
  hint: string,
): Problem {
  return { severity, file, line, field: formatPath(field), message, hint };
}

export function tooManyRoles(file: string, path: Path, line: number, roleCount: number): Problem {
  return entryProblem(
    'error',
    file,
    line,
    [...path, 'roles'],
    `has too many roles (${roleCount})`,
    `limit ${LIMITS.rolesPerSubscriber}`,
  );
}

export function undecodableIn(file: string, path: Path, field: string, line: number): Problem {
  return entryProblem(
    'warning',
    file,
    line,
    [...path, field],
    "holds U+FFFD, a character the file's encoding could not give (names show it as �)",
    'write the list as UTF-8 and load it again',
  );
}

export function mixesScripts(file: string, path: Path, line: number, lookalike: Lookalike): Problem {
  return entryProblem(
    'warning',
    file,
    line,
    [...path, 'email'],
    `mixes scripts: its ${lookalike.part} holds ${lookalike.codePoint} ("${lookalike.char}") among Latin letters, and reads like an all-Latin address that is another mailbox`,
    'check the address with the reader, or retype it by hand; it is kept as written',
  );
}

export function moreMixingScripts(file: string, path: Path, line: number, lookalikes: number): Problem {
  return entryProblem(
    'warning',
    file,
    line,
    [...path, 'email'],
    `and ${lookalikes - SHOWN_LOOKALIKES} more addresses mixing scripts from here on (${lookalikes} in all), each reading like an all-Latin address that is another mailbox`,
    'check these addresses with their readers, or retype them by hand; they are kept as written',
  );
}

/** Keeping the first would mail someone the list itself says left. */
export function duplicateLeft(file: string, path: Path, line: number, first: number): Problem {
  return entryProblem(
    'error',
    file,
    line,
    [...path, 'status'],
    `duplicate of entry [${first}], which is not unsubscribed, and this one is`,
    'keep one entry per address: this one, if the reader left',
  );
}

export function duplicateOf(file: string, path: Path, line: number, first: number): Problem {
  return entryProblem(
    'warning',
    file,
    line,
    [...path, 'email'],
    `duplicate of entry [${first}]; only the first is used`,
    'remove one of the two entries',
  );
}

export function moreDuplicates(file: string, path: Path, line: number, duplicates: number): Problem {
  return entryProblem(
    'warning',
    file,
    line,
    [...path, 'email'],
    `and ${duplicates - SHOWN_DUPLICATES} more duplicates of earlier entries from here on (${duplicates} in all); only the first of each address is used`,
    'remove the repeated entries (addresses are compared ignoring case)',
  );
}
