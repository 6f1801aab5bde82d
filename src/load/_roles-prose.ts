/**
 * Prose under a `## Best for` heading, as a Notion page describes its readers ("Teams that run a
 * large cache fleet and want to spend less."): read as a role, it was one unknown role, its words
 * lost to readers and the summary mailed to no one the editor meant. Roles are names: a few words
 * each, separated by commas, not sentences.
 */
import type { Problem } from '../errors.js';

/** More words than a role's name runs to ("Head of Platform Engineering" has four). */
const PROSE_WORDS = 5;
/** The small words role names hold ("VP of Engineering", "Head of Research and Design"). */
const ROLE_WORDS = new Set(['of', 'and', 'or', 'for', 'the', 'in', 'at', 'to', 'on', '&']);

/** A line under a roles heading that reads as prose, by its line in the file. */
export interface RolesProse {
  line: number;
  heading: string;
  value: string;
}

/**
 * Whether the text under a roles heading (one line, or one list item) is prose, not roles. `known`
 * says whether the role taxonomy names a role so: a name it holds is a role however it reads.
 */
export function isRolesProse(value: string, known: (role: string) => boolean = () => false): boolean {
  if (known(withoutStop(value))) return false;
  return value.split(/[,，、]/).some((part) => {
    if (known(withoutStop(part.trim()))) return false;
    const words = part.trim().split(/\s+/);
    // A role's small words are its only lower-case ones ("Vice President of Data and Analytics").
    if (!words.some((word) => /^\p{Ll}/u.test(word) && !ROLE_WORDS.has(word.toLowerCase()))) return false;
    // "Teams who ship." is a sentence; "Head of Data Platform." is a role with a full stop.
    return words.length >= PROSE_WORDS || (/[.!?]["”’)]?$/u.test(part.trim()) && words.length >= 3);
  });
}

/** "Head of growth marketing." as the taxonomy writes it: its full stop left out. */
function withoutStop(text: string): string {
  return text.replace(/[.!?]["”’)]?$/u, '').trim();
}

/**
 * The errors for lines under a roles heading that are prose: those naming no role the taxonomy
 * knows ("Head of growth marketing and brand" in a project's roles.yaml is a role, not prose).
 */
export function rolesProseErrors(
  found: readonly RolesProse[],
  known: (role: string) => boolean,
  file: string,
): Problem[] {
  return found
    .filter(({ value }) => isRolesProse(value, known))
    .map(({ line, heading }) => rolesProseError(file, line, heading));
}

/** The error naming a line of prose under a roles heading. */
function rolesProseError(file: string, line: number, heading: string): Problem {
  return {
    severity: 'error' as const,
    file,
    line,
    field: 'roles',
    message: `is prose under the "${heading}" heading, not a list of roles`,
    hint: 'write the roles under it as a list or a line separated by commas (CTO, Engineering Manager), and put the prose under a section heading such as "Summary"',
  };
}
