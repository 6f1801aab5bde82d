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

/** Most readings of one roles text `commaRunsJoined` gives: a text of many commas gets none. */
const MOST_READINGS = 64;
/** Most comma parts of one piece that are cut every way. */
const MOST_CUT = 8;

/**
 * The other ways a roles text ("Head of Sales, EMEA|CTO") reads under a roles file that names
 * roles holding a comma: each run of neighbours in a piece joined by ", " as one role, every way
 * but the one split at every comma (`readerRolesSplit` with no role known). What a send that took
 * such a run whole may have noted for the same text. None past the limit.
 */
export function commaRunsJoined(value: string): string[][] {
  let readings: string[][] = [[]];
  let parts = 0;
  for (const piece of value.split(/[|;\r\n]/)) {
    const split = piece
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    parts += split.length;
    // Cutting a long piece every way is work past counting, most of it over the limit anyway.
    if (split.length > MOST_CUT) return [];
    const ofPiece = runsOf(split);
    if (ofPiece.length === 0 || readings.length * ofPiece.length > MOST_READINGS) return [];
    readings = readings.flatMap((reading) => ofPiece.map((runs) => [...reading, ...runs]));
  }
  return readings.filter((reading) => reading.length < parts);
}

/** Every way to cut `parts` into runs of neighbours of up to `MOST_PARTS`, each joined by ", " (none past the limit). */
function runsOf(parts: readonly string[]): string[][] {
  if (parts.length === 0) return [[]];
  const cuts: string[][] = [];
  for (let taken = 1; taken <= Math.min(MOST_PARTS, parts.length); taken++) {
    const head = parts.slice(0, taken).join(', ');
    for (const rest of runsOf(parts.slice(taken))) {
      cuts.push([head, ...rest]);
      if (cuts.length > MOST_READINGS) return [];
    }
  }
  return cuts;
}

/**
 * A job title written with a comma ("VP, Engineering", "Director, Product"): two neighbours that are
 * no role by themselves but name one with a space between them are that role. Returns the roles and
 * each title so read, as written, for a warning.
 */
export function titleCommaRoles(
  roles: readonly unknown[],
  known: (role: string) => boolean,
): { roles: unknown[]; titles: { written: string; read: string }[] } {
  const out: unknown[] = [];
  const titles: { written: string; read: string }[] = [];
  for (let at = 0; at < roles.length; at++) {
    const role = roles[at];
    const next = roles[at + 1];
    if (typeof role === 'string' && typeof next === 'string' && !known(role) && !known(next)) {
      const spaced = `${role.trim()} ${next.trim()}`;
      if (spaced.length <= 200 && known(spaced)) {
        out.push(spaced);
        titles.push({ written: `${role.trim()}, ${next.trim()}`, read: spaced });
        at++;
        continue;
      }
    }
    out.push(role);
  }
  return { roles: out, titles };
}
