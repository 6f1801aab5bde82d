import type { Problem } from '../errors.js';
import { holdsOnlyQuietRoles } from '../group/audit.js';
import { type Coverage, MAX_VARIANTS } from '../group/coverage.js';

/** Lists longer than this are cut in the table; `--json` has them whole. */
const LIST_LIMIT = 10;

/**
 * Past this many summaries a matrix row is wider than any terminal (three characters a column):
 * the table then gives each role's counts alone, and `--json` and the preview keep the matrix.
 */
export const MATRIX_COLUMNS = 40;

/** The role × summary matrix as compact text: one row per role, one numbered column per summary. */
export function coverageTable(
  coverage: Coverage,
  quietRoles: readonly string[] = [],
  /** Why a role has none, when `new` left its summaries out for size (see load/size-trim-note.ts). */
  trimmed: ReadonlyMap<string, string> = new Map(),
): string {
  const quiet = new Set(quietRoles);
  const { summaries, rows, audience } = coverage;
  const matrix = summaries.length <= MATRIX_COLUMNS;
  const cell = String(summaries.length).length + 1;
  const roleWidth = Math.max(4, ...rows.map((r) => r.role.length));
  const head = matrix ? summaries.map((_, i) => String(i + 1).padStart(cell)).join('') : '';
  const lines = [
    matrix
      ? `coverage: ${summaries.length} summaries × ${rows.length} roles (● the role's readers see it)`
      : `coverage: ${summaries.length} summaries × ${rows.length} roles (summaries per role; too many for the matrix: --json and the preview show it)`,
    `  ${'ROLE'.padEnd(roleWidth)}${head}  SUMMARIES${audience ? '  READERS' : ''}`,
  ];
  for (const row of rows) {
    const cells = matrix ? row.cells.map((on) => (on ? '●' : '·').padStart(cell)).join('') : '';
    const readers = row.readers === undefined ? '' : `  ${String(row.readers).padStart(7)}`;
    const why = trimmed.get(row.role);
    const none =
      row.summaries === 0
        ? quiet.has(row.role)
          ? '  ← quiet this week (quietRoles)'
          : `  ← none this week${why ? ` (${why})` : ''}`
        : '';
    lines.push(`  ${row.role.padEnd(roleWidth)}${cells}  ${String(row.summaries).padStart(9)}${readers}${none}`);
  }
  if (matrix)
    summaries.forEach((s, i) => {
      lines.push(`  ${String(i + 1).padStart(cell - 1)} ${s.id}`);
    });
  if (!audience) return lines.join('\n');
  lines.push(`readers: ${audience.readers} active in ${audience.variantCount} variant(s) (distinct role sets)`);
  for (const v of audience.variants.slice(0, LIST_LIMIT)) lines.push(`  ${String(v.readers).padStart(6)}  ${v.id}`);
  if (audience.variants.length > LIST_LIMIT)
    lines.push(`  … and ${audience.variants.length - LIST_LIMIT} more variant(s) (--json lists all)`);
  lines.push(`readers who get nothing: ${audience.getNothing.length}`);
  for (const r of audience.getNothing.slice(0, LIST_LIMIT)) {
    const accepted = holdsOnlyQuietRoles(r.roles, quiet) ? ' — quiet this week' : '';
    lines.push(`  ${r.email} (${r.roles.length ? r.roles.join(', ') : 'no roles'})${accepted}`);
  }
  if (audience.getNothing.length > LIST_LIMIT)
    lines.push(`  … and ${audience.getNothing.length - LIST_LIMIT} more (--json lists all)`);
  return lines.join('\n');
}

/** The one coverage finding that is a warning in its own right: too many variants to render. */
export function coverageProblems(coverage: Coverage, file: string): Problem[] {
  if (!coverage.audience?.tooManyVariants) return [];
  return [
    {
      severity: 'warning',
      file,
      field: 'variants',
      message: `readers hold ${coverage.audience.variantCount} distinct role sets (more than ${MAX_VARIANTS}); each is rendered separately`,
      hint: 'fewer roles per reader, or fewer roles per summary, keep rendering and review manageable',
    },
  ];
}
