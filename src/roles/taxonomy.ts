import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { type Problem, RolecastError } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { unknownKeyWarnings } from '../load/_unknown-keys.js';
import { formatPath, zodProblems } from '../load/_validate.js';
import { yamlLineOf } from '../load/_yaml-lines.js';
import { byteLength, fileSize, LIMITS, tooDeep, tooLarge, yamlTooDeepAt } from '../load/limits.js';
import { asLatinLetters } from './_look-alikes.js';
import { singularForms } from './_plural.js';
import { roleKey } from './role-key.js';

export { roleKey };

const roleName = z.string().trim().min(1).max(LIMITS.roleLength);
const TaxonomyFileSchema = z.object({
  roles: z
    .array(
      z.object({
        name: roleName,
        aliases: z.array(roleName).max(LIMITS.aliasesPerRole).default([]),
        heading: z.string().trim().max(LIMITS.titleLength).optional(),
        /** Shown beside the role on the signup and preferences pages. */
        description: z.string().trim().max(LIMITS.titleLength).optional(),
        /** The heading the signup and preferences pages list the role under. */
        group: z.string().trim().max(LIMITS.roleLength).optional(),
      }),
    )
    .max(LIMITS.taxonomyRoles),
});

export interface CanonicalRole {
  name: string;
  aliases: string[];
  heading?: string | undefined;
  description?: string | undefined;
  group?: string | undefined;
}

export interface RoleTaxonomy {
  roles: CanonicalRole[];
  /** Warnings found in the taxonomy file (unknown keys), shown with the project's load warnings. */
  problems?: Problem[];
  /** Canonical name for a role as written, or undefined when it is not in the taxonomy. */
  lookup(role: string): string | undefined;
  /** Canonical name when known, otherwise the role as written (trimmed, spaces collapsed). */
  normalise(role: string): string;
  /** The known role (or alias) closest to an unknown one, for "did you mean" hints. */
  closest(role: string): string | undefined;
  /**
   * The known role a role written with Cyrillic or Greek look-alike letters was read as ("СТО" as
   * CTO); undefined for a role known as written, or not known at all.
   */
  lookAlikeOf?(role: string): string | undefined;
  heading(role: string): string;
  /**
   * The plural spellings read so far as this role ("CTOs" for CTO), each as a role the taxonomy
   * did not know is kept: what a send noted for them before the taxonomy knew their singular.
   */
  pluralsOf?(role: string): readonly string[];
  /**
   * Told each subscribers-file entry's roles as the file writes them, before they are read: a send
   * notes them so, and a change of this taxonomy alone is then no change of the file. And its time
   * zone as written, where that is read as another spelling ("us/eastern" as America/New_York).
   * The roles are worked out only when asked for: most entries are of readers the store does not know.
   * `joined`: the other ways the same text read under a roles file naming roles that hold a comma.
   */
  readsWritten?(
    canonicalEmail: string,
    roles: () => readonly string[],
    timezone?: string,
    joined?: () => readonly (readonly string[])[],
  ): void;
}

/** Distinct unknown roles whose spellings are merged; a list of more is hostile or broken anyway. */
const UNKNOWN_ROLE_SPELLINGS = 10_000;

/** Plural spellings kept per role: a list spells its roles a few ways, not more. */
const PLURAL_SPELLINGS = 8;

/** Work spent on "did you mean" hints per taxonomy: about a tenth of a second. */
const SUGGESTION_CELLS = 20_000_000;

export function createTaxonomy(roles: CanonicalRole[]): RoleTaxonomy {
  const byKey = new Map<string, string>();
  for (const role of roles) {
    byKey.set(roleKey(role.name), role.name);
    for (const alias of role.aliases) if (!byKey.has(roleKey(alias))) byKey.set(roleKey(alias), role.name);
  }
  const headings = new Map(roles.map((r) => [r.name, r.heading]));
  const candidates = roles.flatMap((r) => [r.name, ...r.aliases]).map((c) => ({ written: c, key: roleKey(c) }));
  // Hints are asked for once per unknown role as written; lists repeat the same few.
  const hints = new Map<string, string | undefined>();
  // Each hint compares with every role and alias: a big taxonomy and a list of many distinct
  // unknown roles would multiply. Past this many distance-table cells, no more hints are offered.
  let cellsLeft = SUGGESTION_CELLS;

  // A role the taxonomy does not know matches as known ones do (case, spaces and Unicode form
  // ignored): its first spelling met stands for the others, so "space  cadet" in a summary reaches
  // a reader of "Space Cadet". Bounded: past the limit, further roles are kept as written.
  const unknown = new Map<string, string>();
  const unknownAs = (role: string): string => {
    const written = role.normalize('NFC').trim().replace(/\s+/g, ' ');
    const key = roleKey(written);
    const first = unknown.get(key);
    if (first !== undefined) return first;
    if (unknown.size < UNKNOWN_ROLE_SPELLINGS) unknown.set(key, written);
    return written;
  };

  // A role written in the plural ("CTOs", "Product managers") is the role its singular names, so
  // its readers get the summary; only when the plural itself is neither a role nor an alias.
  const known = (role: string): string | undefined => {
    const exact = byKey.get(roleKey(role));
    if (exact !== undefined || role.length > LIMITS.roleLength) return exact;
    const folded = lookAlikeOf(role);
    if (folded !== undefined) return folded;
    for (const singular of singularForms(role)) {
      const found = byKey.get(roleKey(singular));
      if (found === undefined) continue;
      notePlural(found, role);
      return found;
    }
    return undefined;
  };

  // "СТО" typed with Cyrillic letters looks exactly like CTO on screen: no one means another role by
  // it. Read as the role its Latin letters name, when they name one exactly; the loaders say so.
  const lookAlikeOf = (role: string): string | undefined => {
    if (byKey.has(roleKey(role))) return undefined;
    const latin = asLatinLetters(role);
    return latin === undefined ? undefined : known(latin);
  };

  // Before the taxonomy knew its singular, a plural was kept as written, and a send noted it so.
  const plurals = new Map<string, string[]>();
  let pluralsNoted = 0;
  const notePlural = (role: string, written: string): void => {
    const kept = written.normalize('NFC').trim().replace(/\s+/g, ' ');
    const spellings = plurals.get(role) ?? [];
    if (spellings.includes(kept) || spellings.length >= PLURAL_SPELLINGS || pluralsNoted >= UNKNOWN_ROLE_SPELLINGS)
      return;
    spellings.push(kept);
    plurals.set(role, spellings);
    pluralsNoted++;
  };

  return {
    roles,
    lookup: known,
    lookAlikeOf,
    normalise: (role) => known(role) ?? unknownAs(role),
    closest(role) {
      const key = roleKey(role);
      if (hints.has(key)) return hints.get(key);
      const latin = asLatinLetters(role);
      const hint = (latin === undefined ? undefined : byKey.get(roleKey(latin))) ?? closestOf(key);
      if (hints.size < 10_000) hints.set(key, hint);
      return hint;
    },
    heading: (role) => headings.get(role) ?? `For ${role}`,
    pluralsOf: (role) => plurals.get(role) ?? [],
  };

  function closestOf(key: string): string | undefined {
    // Suggest only near misses (typos), not any short role that happens to be a few edits away.
    const threshold = Math.max(1, Math.floor(key.length / 4));
    // No known role is that long: skip the quadratic distance on text that cannot be a near miss.
    if (key.length > LIMITS.roleLength + threshold) return undefined;
    let best: string | undefined;
    let bestDistance = threshold + 1;
    for (const candidate of candidates) {
      // The distance is at least the difference in length: skip what cannot be closer.
      if (Math.abs(candidate.key.length - key.length) >= bestDistance) continue;
      cellsLeft -= (key.length + 1) * (candidate.key.length + 1);
      if (cellsLeft < 0) return undefined;
      const distance = levenshtein(key, candidate.key);
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate.written;
      }
    }
    if (best === undefined) return undefined;
    const canonical = byKey.get(roleKey(best)) ?? best;
    return canonical === best ? best : `${canonical} (alias "${best}")`;
  }
}

export async function loadTaxonomy(file: string): Promise<RoleTaxonomy> {
  const size = await fileSize(file);
  if (size !== undefined && size > LIMITS.smallFileBytes)
    throw refused(file, [tooLarge(displayPath(file), size, LIMITS.smallFileBytes)]);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new RolecastError('E_NOT_FOUND', `role taxonomy ${file} could not be read`, {
      hint: 'create it (rolecast init writes one in a new project; see roles.yaml in the rolecast repository) or set "roles" in rolecast.config.json',
      cause,
    });
  }
  return parseTaxonomy(text, file);
}

export function parseTaxonomy(text: string, file: string): RoleTaxonomy {
  const size = byteLength(text);
  if (size > LIMITS.smallFileBytes) throw refused(file, [tooLarge(displayPath(file), size, LIMITS.smallFileBytes)]);
  const deepAt = yamlTooDeepAt(text);
  if (deepAt !== undefined) throw refused(file, [tooDeep(displayPath(file), deepAt, 'roles')]);
  let raw: unknown;
  try {
    // Warnings would go to the process (raw file text on stderr); errors are reported below.
    raw = parseYaml(text, { logLevel: 'error', maxAliasCount: LIMITS.yamlAliases });
  } catch (cause) {
    const line = (cause as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw invalid(file, line, 'roles', `is not valid YAML: ${(cause as Error).message.split('\n')[0]}`);
  }
  const shown = displayPath(file);
  const lineOf = yamlLineOf(text);
  const result = TaxonomyFileSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    throw refused(
      file,
      zodProblems(result.error, shown, lineOf, (field) => FIELD_HINTS[field]),
    );
  }
  const problems = sameRoleProblems(result.data.roles, shown, lineOf);
  if (problems.length) throw refused(file, problems);
  const taxonomy = createTaxonomy(result.data.roles);
  taxonomy.problems = unknownKeyWarnings(raw, TaxonomyFileSchema, shown, lineOf);
  return taxonomy;
}

const FIELD_HINTS: Record<string, string> = {
  roles: 'list the roles under "roles:", each as "- name: …"',
  name: 'each entry needs a name and may list aliases',
  aliases: 'list other spellings as "aliases: [A, B]"',
};

/**
 * Two entries that match as one (case and spaces are ignored) would split a role's readers and
 * summaries between them, or hand an alias to whichever came first: every such pair, at its line.
 */
function sameRoleProblems(
  roles: readonly CanonicalRole[],
  file: string,
  lineOf: (path: readonly PropertyKey[]) => number | undefined,
): Problem[] {
  const problems: Problem[] = [];
  const owners = new Map<string, { written: string; index: number }>();
  roles.forEach((role, index) => {
    for (const [n, written] of [role.name, ...role.aliases].entries()) {
      const key = roleKey(written);
      const owner = owners.get(key);
      if (owner && owner.index !== index) {
        const path = n === 0 ? ['roles', index, 'name'] : ['roles', index, 'aliases', n - 1];
        const line = lineOf(path);
        problems.push({
          severity: 'error',
          file,
          ...(line === undefined ? {} : { line }),
          field: formatPath(path),
          message: `"${written}" is the same role as "${owner.written}" (roles[${owner.index}]${atLine(lineOf(['roles', owner.index]))}): case and spaces are ignored when roles are matched`,
          hint: 'keep one entry for the role and list the other spelling among its aliases',
        });
        continue;
      }
      owners.set(key, { written, index });
    }
  });
  return problems;
}

function atLine(line: number | undefined): string {
  return line === undefined ? '' : `, line ${line}`;
}

function refused(file: string, problems: Problem[]): RolecastError {
  return new RolecastError('E_INVALID', `role taxonomy ${file} is invalid`, { problems });
}

function invalid(file: string, line: number | undefined, field: string, message: string): RolecastError {
  const problem: Problem = {
    severity: 'error',
    file,
    ...(line === undefined ? {} : { line }),
    field,
    message,
    hint: 'each entry needs a name and may list aliases',
  };
  return refused(file, [problem]);
}

export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
