/** Most parts a comma-holding role name is looked for across ("Head of Sales, EMEA, North"). */
const MOST_PARTS = 4;

/**
 * Roles split on commas, with the runs of neighbours the role taxonomy names joined by a comma
 * made whole again: "Best for: Head of Sales, EMEA, CTO" names "Head of Sales, EMEA" and CTO when
 * the roles file names "Head of Sales, EMEA", and three roles when it does not ("VP, Engineering"
 * is VP and Engineering unless the file names "VP, Engineering"). The longest known run wins.
 */
export function commaRolesJoined(
  roles: readonly unknown[],
  known: (role: string) => boolean,
  /**
   * The roles were written as entries of their own (a JSON or YAML list): a run of them is one role
   * only when one of its parts is no role by itself. `["Head of Sales", "EMEA"]` are two roles when
   * the roles file names both, even when it also names "Head of Sales, EMEA".
   */
  entries = false,
): unknown[] {
  const joined: unknown[] = [];
  for (let at = 0; at < roles.length; ) {
    let taken = 1;
    for (let parts = Math.min(MOST_PARTS, roles.length - at); parts > 1; parts--) {
      const run = roles.slice(at, at + parts);
      if (!run.every((role): role is string => typeof role === 'string' && role.length <= 200)) continue;
      if (entries && run.every((role) => known(role))) continue;
      if (known(run.join(', '))) {
        taken = parts;
        break;
      }
    }
    joined.push(taken === 1 ? roles[at] : roles.slice(at, at + taken).join(', '));
    at += taken;
  }
  return joined;
}

/**
 * A reader's roles written as one text ("Head of Sales, EMEA|CTO", a CSV cell, a JSON string,
 * `subscribers add --roles`): split on "|", ";", line breaks and commas, with a comma the roles
 * file explains kept inside its role, as in a summary's roles, so such a reader matches it.
 */
export function readerRolesSplit(value: string, known: (role: string) => boolean): string[] {
  return value.split(/[|;\r\n]/).flatMap((piece) => {
    const parts = piece
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    return commaRolesJoined(parts, known) as string[];
  });
}
