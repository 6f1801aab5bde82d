import type { Problem } from '../errors.js';

/** A table's delimiter row, under its header row: `|---|:---:|`, `--- | ---`. */
const DELIMITER_ROW =
  /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$|^ {0,3}\|[ \t]*:?-+:?[ \t]*\|[ \t]*$/;

/**
 * A Markdown table (a header row with "|" over a delimiter row) in a summary's body: refused at its
 * header's line. Its rows were read as one paragraph, readers seeing every "|" and "---" of it.
 */
export function tableProblems(
  lines: readonly string[],
  literal: ReadonlySet<number>,
  file: string,
  firstLine: number,
): Problem[] {
  const problems: Problem[] = [];
  for (let index = 1; index < lines.length; index++) {
    if (literal.has(index) || literal.has(index - 1)) continue;
    const header = lines[index - 1]!;
    if (!header.includes('|') || !DELIMITER_ROW.test(lines[index]!)) continue;
    problems.push({
      severity: 'error',
      file,
      line: index - 1 + firstLine,
      field: 'text',
      message: 'is a Markdown table, which is not read: readers would see its "|" and "---" marks',
      hint: 'write its rows as a list ("- Warm pool: 80 ms p99") or as sentences',
    });
  }
  return problems;
}
