import type { Problem } from '../errors.js';
import type { RoleTaxonomy } from '../roles/taxonomy.js';
import { unguardFormula } from './_formula-guard.js';
import { fromProviderColumns } from './_provider-columns.js';
import { rejected, type SubscriberTableResult } from './_subscriber-results.js';
import { createEntryValidator } from './_subscriber-validator.js';

/** CSV subscriber lists: their header, their rows turned into entries, and telling CSV from JSON. */
/**
 * A CSV export saved as `.txt` (or with no extension): not JSON, and a first line that is a header
 * naming an email column. Decided by content, so the extension does not have to be right.
 */
export function looksLikeCsv(text: string): boolean {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const end = text.indexOf('\n', start);
  const header = text.slice(start, end < 0 ? Math.min(text.length, 4096) : Math.min(end, start + 4096)).trim();
  if (header.startsWith('[') || header.startsWith('{')) return false;
  return header.split(/[,;\t]/).some((cell) => columnName(cell.trim().replace(/^"|"$/g, '')) === 'email');
}

/** CSV rows, header first, turned into entries and validated as they come. */
export function csvEntries(file: string, taxonomy: RoleTaxonomy) {
  let columns: string[] | undefined;
  let refusal: SubscriberTableResult | undefined;
  // Cells are slices of the text read: what a kept reader holds is copied out (the table copies its
  // own text; roles are copied by `detach`).
  const validator = createEntryValidator(file, taxonomy, [], {
    copyKept: true,
    undecodableSaid: true,
    leftFieldsRead: true,
  });
  // Rows the file's own shape makes wrong, said once each; errors, so nothing is sent from the list.
  const shapeProblems: Problem[] = [];
  // Provider cells that say nothing known, one error per distinct cell: a new provider type in a
  // large list is one line, not one per reader.
  const providerProblems = new Map<string, { problem: Problem; count: number }>();
  let undecodable = false;
  return {
    unclosed(line: number): void {
      // Every row after it was read into one cell: readers lost, their addresses in someone's roles.
      refusal ??= rejected(
        file,
        line,
        'text',
        'a quoted cell opened on this line is never closed: every line after it was read into that cell',
        'close the quote (") or remove it, then load the list again',
      );
    },
    textAfterQuote(line: number): void {
      // `"ann@example.com"x` reads as ann@example.comx: someone else's address, or a mangled name.
      shapeProblems.push({
        severity: 'error',
        file,
        line,
        field: 'row',
        message: 'has text after the closing quote of a cell',
        hint: 'put the text inside the quotes, or a delimiter between the quoted cell and the text',
      });
    },
    /** `joined`: a cell had text after its closing quote, said by `textAfterQuote`; the row is not read. */
    row(cells: string[], line: number, joined = false): void {
      if (refusal || (columns && joined)) return;
      // Excel's "sep=;" line before the header (split at its own delimiter: "sep=" and "").
      if (!columns && /^sep=.?$/i.test(cells[0]!.trim()) && cells.slice(1).every((cell) => cell.trim() === '')) return;
      if (!undecodable && cells.some((cell) => cell.includes('\ufffd'))) {
        undecodable = true;
        shapeProblems.push({
          severity: 'warning',
          file,
          line,
          field: 'text',
          message: "holds U+FFFD, a character the file's encoding could not give (names show it as �)",
          hint: 'save the list as UTF-8 (in Excel: "CSV UTF-8") and load it again',
        });
      }
      if (columns && cells.length > columns.length && cells.slice(columns.length).some((cell) => cell.trim() !== '')) {
        // "ann@x,Smith, Ann,CTO": the cells after the header's last column would be dropped unseen.
        shapeProblems.push({
          severity: 'error',
          file,
          line,
          field: 'row',
          message: `has ${cells.length} cells, and the header row has ${columns.length}`,
          hint: 'quote a cell that holds the delimiter ("Smith, Ann") or add the missing column to the header',
        });
        return;
      }
      if (!columns) {
        columns = headerColumns(cells);
        const twice = columns.find((name, index) => name !== '' && columns!.indexOf(name) !== index);
        if (twice !== undefined) {
          // Each row would keep only the last of the two cells, without a word.
          refusal = rejected(
            file,
            1,
            twice,
            `the header row names the "${twice}" column twice`,
            twice === 'roles'
              ? 'keep one column of each name (join the roles into one cell, separated by commas or semicolons)'
              : 'keep one of the two columns, the one holding what rolecast should read',
          );
          return;
        }
        if (!columns.includes('email')) {
          refusal = rejected(
            file,
            1,
            'email',
            'the header row has no "email" column',
            'start the file with a header such as: email,name,roles,timezone',
          );
        }
        return;
      }
      const entry: Record<string, unknown> = {};
      // Only the cells the row has: a header of thousands of columns must not cost that much per row.
      for (let index = 0; index < Math.min(columns.length, cells.length); index++) {
        // Without the `'` an export puts before a cell a spreadsheet would run as a formula.
        const written = unguardFormula(cells[index]!);
        if (written.trim() === '') continue;
        // The address is checked as written: a control character at its edge is refused, not trimmed
        // off. A roles cell is split by the same rule as a roles string in JSON. Defined, not
        // assigned, so a "__proto__" column is an ordinary (unknown) field, as it is in JSON.
        const column = columns[index]!;
        const value = column === 'email' ? written : written.trim();
        // Assigned where that means the same: an object given properties by `defineProperty` is slow to read.
        if (column === '__proto__')
          Object.defineProperty(entry, column, { value, enumerable: true, writable: true, configurable: true });
        else entry[column] = value;
      }
      const provider = fromProviderColumns(entry);
      if (provider) {
        const key = `${provider.field}\u0000${provider.message}`;
        const seen = providerProblems.get(key);
        if (seen) seen.count++;
        else providerProblems.set(key, { problem: { severity: 'error', file, line, ...provider }, count: 1 });
      }
      validator.add(entry, () => line);
    },
    refused: () => refusal !== undefined,
    finish(): SubscriberTableResult {
      if (refusal) return refusal;
      if (!columns)
        return rejected(
          file,
          1,
          'email',
          'the header row has no "email" column',
          'start the file with a header such as: email,name,roles,timezone',
        );
      const result = validator.finish();
      for (const { problem, count } of providerProblems.values())
        shapeProblems.push(count > 1 ? { ...problem, message: `${problem.message} (${count} rows)` } : problem);
      return shapeProblems.length ? { ...result, problems: [...shapeProblems, ...result.problems] } : result;
    },
  };
}

/**
 * The header's columns. A heading a spreadsheet gives a field in words ("Full Name", "Time Zone",
 * "Job Roles") is that field unless the header also names the field itself: then it stays a column
 * of its own, passed over with a warning as before, rather than refusing the list as named twice.
 */
function headerColumns(cells: readonly string[]): string[] {
  const named = new Set(cells.map(columnName));
  return cells.map((cell) => {
    const field = WORDED_FIELDS.get(
      cell
        .trim()
        .toLowerCase()
        .replace(/[\s_-]+/g, ' '),
    );
    return field !== undefined && !named.has(field) ? field : columnName(cell);
  });
}

/** Headings in words for the fields spreadsheets name that way, lower case, spaces between words. */
const WORDED_FIELDS = new Map([
  ['full name', 'name'],
  ['fullname', 'name'],
  ['time zone', 'timezone'],
  ['tz', 'timezone'],
  ['role', 'roles'],
  ['job role', 'roles'],
  ['job roles', 'roles'],
]);

/**
 * Header cells match in any case; the one camel-case field, `firstName`, is also accepted the way
 * spreadsheets and providers spell it (`first_name`, `First Name`).
 */
function columnName(cell: string): string {
  const name = cell.trim().toLowerCase();
  if (/^first[ _]?name$/.test(name)) return 'firstName';
  if (/^last[ _]?name$/.test(name)) return 'lastName';
  // Mailchimp's "Email Address", ConvertKit's "email_address", "E-Mail" and "E-Mail-Adresse" in German exports.
  return /^e[-_ ]?mail(?:[-_ ]?(?:address|adresse))?$/.test(name) ? 'email' : name;
}
