/**
 * RFC 4180 rows (quoted fields may hold commas, quotes and line breaks), each with the line it
 * starts on. The delimiter is read off the first line, as providers export with `,`, `;` or tabs.
 * Cells are returned as written; blank rows are dropped.
 */
export function parseCsv(text: string): { cells: string[]; line: number }[] {
  const source = text.replace(/^\uFEFF/, '');
  const delimiter = detectDelimiter(source);
  const rows: { cells: string[]; line: number }[] = [];
  let cells: string[] = [];
  // A cell is a slice of the source, or (quoted) a list of slices: never grown character by character.
  let cellStart = 0;
  let cellBlank = true;
  let quotedParts: string[] | undefined;
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endCell = (end: number) => {
    cells.push(quotedParts ? quotedParts.join('') + source.slice(cellStart, end) : source.slice(cellStart, end));
    quotedParts = undefined;
    cellBlank = true;
  };
  const endRow = () => {
    if (cells.some((c) => c.trim() !== '')) rows.push({ cells, line: rowLine });
    cells = [];
  };
  let i = 0;
  for (; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        quotedParts!.push(source.slice(cellStart, i + 1));
        i++;
        cellStart = i + 1;
      } else if (ch === '"') {
        quotedParts!.push(source.slice(cellStart, i));
        quoted = false;
        cellStart = i + 1;
      } else if (ch === '\n') line++;
      continue;
    }
    if (ch === '"' && cellBlank && !quotedParts) {
      // An opening quote after blanks only: the blanks before it are dropped.
      quoted = true;
      quotedParts = [];
      cellStart = i + 1;
    } else if (ch === delimiter) {
      endCell(i);
      cellStart = i + 1;
    } else if (ch === '\n' || ch === '\r') {
      endCell(i);
      if (ch === '\r' && source[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
      cellStart = i + 1;
    } else if (cellBlank && ch.trim() !== '') cellBlank = false;
  }
  if (quoted) quotedParts!.push(source.slice(cellStart));
  if (quoted || cellStart < source.length || cells.length || quotedParts) {
    if (quoted) cellStart = source.length;
    endCell(source.length);
    endRow();
  }
  return rows;
}

function detectDelimiter(text: string): string {
  const first = text.slice(0, Math.max(0, text.search(/\r?\n|\r|$/)));
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}
