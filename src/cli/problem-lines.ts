import { formatProblem, type Problem } from '../errors.js';

/** Up to this many problems with one fix are all printed in full. */
export const ALL_ALIKE = 10;
/** Past ALL_ALIKE, how many are printed in full before the rest are named in one line. */
export const SHOWN_ALIKE = 5;
/** How many of the rest that line names by file before it only counts. */
const NAMED_REST = 20;

/**
 * Problems as lines for a terminal. Past ten problems that share their severity, field and fix
 * (the same warning about 200 files), the first five are printed and one line names the files of
 * the rest, where the fifth stood: a large pool must not bury the one problem that differs.
 * `whole` says where the full list is (`--json`).
 */
export function problemLines(problems: readonly Problem[], whole: string): string[] {
  // `summaries[3]` and `summaries[17]` are one field at two places: the index must not part them.
  const keyOf = (p: Problem) =>
    `${p.severity}\u0000${(p.field ?? '').replace(/\[\d+\]/g, '[]')}\u0000${p.hint ?? p.message}`;
  const groups = new Map<string, Problem[]>();
  for (const problem of problems) groups.set(keyOf(problem), [...(groups.get(keyOf(problem)) ?? []), problem]);
  const seen = new Map<string, number>();
  const lines: string[] = [];
  for (const problem of problems) {
    const key = keyOf(problem);
    const group = groups.get(key)!;
    const index = (seen.get(key) ?? 0) + 1;
    seen.set(key, index);
    if (group.length <= ALL_ALIKE || index <= SHOWN_ALIKE) lines.push(formatProblem(problem));
    if (group.length > ALL_ALIKE && index === SHOWN_ALIKE) lines.push(restLine(group.slice(SHOWN_ALIKE), whole));
  }
  return lines;
}

function restLine(rest: readonly Problem[], whole: string): string {
  const kind = rest[0]!.severity === 'error' ? 'error' : 'warning';
  // Alike problems in one file (the lines of issue.json) are told apart by their lines.
  const oneFile = new Set(rest.map((p) => p.file)).size === 1;
  const files = [...new Set(rest.map((p) => (oneFile && p.line ? `${p.file}:${p.line}` : (p.file ?? '?'))))];
  const named = files.slice(0, NAMED_REST).join(', ');
  const more = files.length > NAMED_REST ? `, and ${files.length - NAMED_REST} more` : '';
  return `  … and ${rest.length} more ${kind}(s) with the same fix: ${named}${more} (${whole})`;
}
