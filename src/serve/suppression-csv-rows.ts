import { type CsvRow, parseCsv } from '../load/_csv.js';

/**
 * The rows of a suppression list in CSV, read on past a quote that is never closed. Such a quote
 * makes every line after it one cell: read so, the addresses on those lines would be suppressed
 * nowhere and named nowhere, and those readers mailed though they asked not to be. The row holding
 * the quote is left out and told of; the lines after it are read again as rows of their own, under
 * the same header (so the same separator). Suppressing is the safe side: a line that is not an
 * address is named as such, and importing the mended file again adds nothing twice.
 */
export function suppressionCsvRows(
  text: string,
  onUnclosed: (quoteLine: number, rowLine: number) => void,
  onTextAfterQuote: (line: number) => void,
): SuppressionCsvRow[] {
  const rows: SuppressionCsvRow[] = [];
  const firstLine = text.slice(0, lineStart(text, 2)).replace(/\r?\n$|\r$/, '');
  // Lines of `text` before the part being read; 0 on the first pass, which reads the header itself.
  let skipped = 0;
  for (;;) {
    const rest = skipped === 0 ? text : `${firstLine}\n${text.slice(lineStart(text, skipped + 1))}`;
    // Line 2 of a later pass is line skipped + 1 of the text; its line 1 is the header again.
    const shift = skipped === 0 ? 0 : skipped - 1;
    let unclosed: { quoteLine: number; rowLine: number } | undefined;
    const read = parseCsv(
      rest,
      (quoteLine, rowLine) => {
        unclosed = { quoteLine: quoteLine + shift, rowLine: rowLine + shift };
      },
      (line) => {
        if (skipped === 0 || line > 1) onTextAfterQuote(line + shift);
      },
    );
    for (const row of read) {
      if (skipped > 0 && row.line === 1) continue;
      const line = row.line + shift;
      if (unclosed === undefined || line < unclosed.rowLine) rows.push({ ...row, line });
    }
    if (unclosed === undefined) return rows;
    onUnclosed(unclosed.quoteLine, unclosed.rowLine);
    const cut = cellsBeforeQuote(text, firstLine, unclosed);
    if (cut) rows.push(cut);
    // A header that never closes its quote leaves nothing to read the rows by.
    if (unclosed.rowLine <= 1 || lineStart(text, unclosed.quoteLine + 1) >= text.length) return rows;
    skipped = unclosed.quoteLine;
  }
}

/** A row of a suppression list; `cut` when it holds only the cells before a quote that is never closed. */
export interface SuppressionCsvRow extends CsvRow {
  cut?: boolean;
}

/**
 * The cells before the quote of a row whose quote opens on its own first line and never closes
 * (`bob@example.com,"complained`): they were written whole, and an address among them asked not
 * to be mailed. Cut at the line's last quote, the cell it opens is left out.
 */
function cellsBeforeQuote(
  text: string,
  header: string,
  { quoteLine, rowLine }: { quoteLine: number; rowLine: number },
): SuppressionCsvRow | undefined {
  if (rowLine !== quoteLine || rowLine <= 1) return undefined;
  const line = text.slice(lineStart(text, rowLine), lineStart(text, rowLine + 1)).replace(/\r?\n$|\r$/, '');
  const row = parseCsv(`${header}\n${line.slice(0, line.lastIndexOf('"'))}`).find((r) => r.line === 2);
  if (!row || row.joined || row.cells.length < 2) return undefined;
  return { cells: row.cells.slice(0, -1), line: rowLine, joined: false, cut: true };
}

/** Where line `n` (from 1) of the text starts, counting CR, LF and CRLF as one break each, as the reader does. */
function lineStart(text: string, n: number): number {
  let line = 1;
  for (let i = 0; i < text.length && line < n; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
    if (code === 0x0d || code === 0x0a) {
      line++;
      if (line === n) return i + 1;
    }
  }
  return line >= n ? 0 : text.length;
}
