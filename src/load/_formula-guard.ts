/**
 * A spreadsheet runs a cell starting with = + - @ (or a tab or CR) as a formula, so written cells
 * starting so get a `'` before them, as OWASP advises. Reading takes that `'` off again, so a list
 * exported and read back holds the same addresses, names and roles.
 */

/** The cell to write: a value that reading would change (one starting `'=` or `''`) is guarded too. */
export function guardFormula(value: string): string {
  return /^(?:'?[=+\-@\t\r]|'')/.test(value) ? `'${value}` : value;
}

/** The value a written cell holds: a `'` before what the guard protects (or before another `'`) is the guard's. */
export function unguardFormula(cell: string): string {
  // Every cell of a large list passes here: most are answered by their first character alone.
  return cell.charCodeAt(0) === APOSTROPHE && /^'['=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell;
}

const APOSTROPHE = 0x27;
