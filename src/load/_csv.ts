/**
 * RFC 4180 rows (quoted fields may hold commas, quotes and line breaks), each with the line it
 * starts on. The delimiter is read off the first line, as providers export with `,`, `;` or tabs.
 * Cells are returned as written; blank rows are dropped.
 */
export function parseCsv(
  text: string,
  onUnclosed?: (line: number, rowLine: number) => void,
  onTextAfterQuote?: (line: number) => void,
): CsvRow[] {
  const rows: CsvRow[] = [];
  const reader = createCsvReader(
    (cells, line, joined) => rows.push({ cells, line, joined }),
    onUnclosed,
    onTextAfterQuote,
  );
  reader.push(text);
  reader.end();
  return rows;
}

export interface CsvRow {
  cells: string[];
  /** The line the row starts on. */
  line: number;
  /** A cell of it had text after its closing quote (see `createCsvReader`): not to be read. */
  joined: boolean;
}

export interface CsvReader {
  /** More text, split anywhere (inside a quoted cell, between `\r` and `\n`). */
  push(text: string): void;
  end(): void;
}

/**
 * The same rows as `parseCsv`, handed out as the text arrives, so a large list is never one string.
 * A cell is a slice of the text, or a list of slices when it spans pieces or quotes: never grown
 * character by character, and never copied again as more text arrives.
 */
export function createCsvReader(
  onRow: (cells: string[], line: number, joined: boolean) => void,
  /** Told the line a quoted cell opened on when the text ends inside it, and the line its row starts on. */
  onUnclosed?: (line: number, rowLine: number) => void,
  /**
   * Told the line of text after a cell's closing quote (`"a@example.com"x`), once a row: the cell
   * holds that text joined to the quoted text, which is not what was meant. The row is handed out
   * marked `joined`.
   */
  onTextAfterQuote?: (line: number) => void,
): CsvReader {
  let delimiter: string | undefined;
  let pending = '';
  let started = false;
  let cells: string[] = [];
  // The current cell's text from earlier pieces (inside its quotes while `quoted`).
  let carried: string[] = [];
  let cellBlank = true;
  let quotedParts: string[] | undefined;
  let quoted = false;
  // Whether this cell's text after its closing quote was seen, and whether any cell of the row's was.
  let toldAfterQuote = false;
  let rowJoined = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 1;

  const endRow = () => {
    if (cells.some((c) => c.trim() !== '')) onRow(cells, rowLine, rowJoined);
    cells = [];
    rowJoined = false;
  };

  const scan = (source: string, final: boolean) => {
    // Without the end of the text, the last character waits: it may be `"` of `""`, or `\r` of `\r\n`.
    const stop = final ? source.length : source.length - 1;
    let cellStart = 0;
    const segment = (end: number) => {
      const text = carried.length ? carried.join('') + source.slice(cellStart, end) : source.slice(cellStart, end);
      carried = [];
      return text;
    };
    const endCell = (end: number) => {
      const text = segment(end);
      cells.push(quotedParts ? quotedParts.join('') + text : text);
      quotedParts = undefined;
      cellBlank = true;
      toldAfterQuote = false;
    };
    // Compared as character codes: indexing the text makes a one-character string per character.
    const separator = delimiter!.charCodeAt(0);
    let i = 0;
    for (; i < stop; i++) {
      const code = source.charCodeAt(i);
      if (quoted) {
        if (code === QUOTE && source.charCodeAt(i + 1) === QUOTE) {
          quotedParts!.push(segment(i + 1));
          i++;
          cellStart = i + 1;
        } else if (code === QUOTE) {
          quotedParts!.push(segment(i));
          quoted = false;
          cellStart = i + 1;
        } else if (code === CR || code === LF) {
          // A line break inside the cell, written as CR, LF or CRLF (one line, not two).
          line++;
          if (code === CR && source.charCodeAt(i + 1) === LF) i++;
        }
        continue;
      }
      if (code === QUOTE && cellBlank && !quotedParts) {
        // An opening quote after blanks only: the blanks before it are dropped.
        quoted = true;
        quoteLine = line;
        quotedParts = [];
        carried = [];
        cellStart = i + 1;
      } else if (code === separator) {
        endCell(i);
        cellStart = i + 1;
      } else if (code === LF || code === CR) {
        endCell(i);
        if (code === CR && source.charCodeAt(i + 1) === LF) i++;
        endRow();
        line++;
        rowLine = line;
        cellStart = i + 1;
      } else if ((cellBlank || (quotedParts && !toldAfterQuote)) && !isBlank(code, source, i)) {
        cellBlank = false;
        // Only text is told of: blanks after the closing quote stay in the cell, as before.
        if (quotedParts && !toldAfterQuote) {
          toldAfterQuote = true;
          if (!rowJoined) onTextAfterQuote?.(line);
          rowJoined = true;
        }
      }
    }
    if (!final) {
      // `i` may have stepped past `stop` over a `""` or `\r\n` pair.
      const from = Math.max(cellStart, Math.min(i, source.length));
      if (from > cellStart) carried.push(source.slice(cellStart, from));
      pending = source.slice(from);
      return;
    }
    if (quoted) {
      quotedParts!.push(segment(source.length));
      onUnclosed?.(quoteLine, rowLine);
    }
    const rest = quoted ? '' : segment(source.length);
    if (quoted || rest.length > 0 || cells.length || quotedParts) {
      cells.push(quotedParts ? quotedParts.join('') + rest : rest);
      quotedParts = undefined;
      toldAfterQuote = false;
      endRow();
    }
  };

  const ready = (final: boolean): string | undefined => {
    if (!started) {
      if (!final && !/[\r\n]/.test(pending)) return undefined;
      started = true;
      if (pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1);
      delimiter = detectDelimiter(pending);
    }
    const source = pending;
    pending = '';
    return source;
  };

  return {
    push(text) {
      pending += text;
      const source = ready(false);
      if (source !== undefined) scan(source, false);
    },
    end() {
      scan(ready(true) ?? '', true);
    },
  };
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Whether the character at `at` is one `trim` removes; ASCII answered by its code. */
function isBlank(code: number, source: string, at: number): boolean {
  if (code < 0x80) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  return source[at]!.trim() === '';
}

function detectDelimiter(text: string): string {
  const first = text.slice(0, Math.max(0, text.search(/\r?\n|\r|$/)));
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}
