/**
 * Prose under a `## Best for` heading, as a Notion page describes its readers ("Teams that run a
 * large cache fleet and want to spend less."): read as a role, it was one unknown role, its words
 * lost to readers and the summary mailed to no one the editor meant. Roles are names: a few words
 * each, separated by commas, not sentences.
 */

/** More words than a role's name runs to ("Head of Platform Engineering" has four). */
const PROSE_WORDS = 5;
/** The small words role names hold ("VP of Engineering", "Head of Research and Design"). */
const ROLE_WORDS = new Set(['of', 'and', 'or', 'for', 'the', 'in', 'at', 'to', 'on', '&']);

/** Whether the text under a roles heading (one line, or one list item) is prose, not roles. */
export function isRolesProse(value: string): boolean {
  return value.split(/[,，、]/).some((part) => {
    const words = part.trim().split(/\s+/);
    // A role's small words are its only lower-case ones ("Vice President of Data and Analytics").
    if (!words.some((word) => /^\p{Ll}/u.test(word) && !ROLE_WORDS.has(word.toLowerCase()))) return false;
    // "Teams who ship." is a sentence; "Head of Data Platform." is a role with a full stop.
    return words.length >= PROSE_WORDS || (/[.!?]["”’)]?$/u.test(part.trim()) && words.length >= 3);
  });
}

/** The error naming a line of prose under a roles heading. */
export function rolesProseError(file: string, line: number, heading: string) {
  return {
    severity: 'error' as const,
    file,
    line,
    field: 'roles',
    message: `is prose under the "${heading}" heading, not a list of roles`,
    hint: 'write the roles under it as a list or a line separated by commas (CTO, Engineering Manager), and put the prose under a section heading such as "Summary"',
  };
}
