import type { Problem } from '../errors.js';
import { printable } from '../printable.js';
import type { RolesReadOtherwise } from '../store/index.js';
import { displayPath } from './_display.js';

/**
 * A warning for each reader kept on their own roles although the subscribers file gives them
 * others, where only a note without the file's text (an earlier release's) decided it: such a note
 * cannot tell a roles.yaml that split an alias out from an editor who swapped the role, so the
 * editor learns of it before their change is passed over. The same for the entry of an address a
 * reader moved onto that says it left.
 */
export function rolesReadOtherwiseProblems(file: string, readers: readonly RolesReadOtherwise[]): Problem[] {
  return readers.map((reader) => ({
    severity: 'warning',
    file: displayPath(file),
    field: `${printable(reader.email)} roles`,
    message: reader.movedOnto
      ? `the entry saying this address left gives ${listed(reader.fileRoles)}, read as roles.yaml changed since a reader moved onto the address; they are still mailed there, for ${listed(reader.readerRoles)}`
      : `the file gives ${listed(reader.fileRoles)}, read as roles.yaml changed since this reader chose ${listed(reader.readerRoles)} on their preferences page; they keep their choice`,
    hint: reader.movedOnto
      ? 'if you changed that entry yourself, put back what it said before for one send, then write your change again: the entry is then followed'
      : 'if you changed their roles in the file yourself, put back what it said before for one send, then write your change again: the file’s roles then win',
  }));
}

function listed(roles: readonly string[]): string {
  return roles.length ? roles.map((role) => `"${printable(role)}"`).join(', ') : '(no roles)';
}
