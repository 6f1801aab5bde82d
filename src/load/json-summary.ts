import { decodeFieldReferences } from '../character-references.js';
import type { Problem } from '../errors.js';
import { readFieldObjects } from './_field-objects.js';
import { JsonSyntaxError, parseJsonWithLines } from './_json-lines.js';
import { notionPageFields } from './_notion-page.js';
import { decodedLinkWarnings } from './_pasted-markup.js';
import { rootListProblem } from './_root-list.js';
import { jsonTooDeepAt, tooDeep } from './limits.js';
import { type ParsedText, splitRoles } from './text.js';

/** A JSON summary's fields, each with its line; a file that is no JSON object is one problem. */
export function parseJsonFields(text: string, file: string): ParsedText | { problem: Problem } {
  const deepAt = jsonTooDeepAt(text);
  if (deepAt !== undefined) return { problem: tooDeep(file, deepAt, 'json') };
  try {
    const { value, lineOf } = parseJsonWithLines(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return {
        problem: {
          severity: 'error',
          file,
          line: 1,
          field: '(root)',
          ...rootProblem(value),
        },
      };
    }
    const page = notionPageFields(value as Record<string, unknown>);
    const raw = { ...(page?.raw ?? (value as Record<string, unknown>)) };
    delete raw.$schema;
    delete raw.id;
    const pathOf = (path: (string | number)[]) => [...(page?.from[String(path[0])] ?? [path[0]!]), ...path.slice(1)];
    const unread = readFieldObjects(raw, (path) => lineOf(pathOf(path)), file, 'json');
    // Nothing else is checked: the fields read so far would be reported as missing.
    if (unread.length > 0) return { raw: {}, lines: {}, problems: unread };
    const written = typeof raw.url === 'string' ? raw.url : undefined;
    const decoded = decodeFieldReferences(raw);
    if (typeof raw.roles === 'string') raw.roles = splitRoles(raw.roles);
    const lines: Record<string, number> = Object.create(null);
    for (const key of Object.keys(raw)) lines[key] = lineOf(pathOf([key]));
    return { raw, lines, problems: decodedLinkWarnings(decoded, written, raw, lines.url ?? 1, file) };
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return {
      problem: {
        severity: 'error',
        file,
        line: error.line,
        field: 'json',
        message: `invalid JSON: ${error.message} (column ${error.column})`,
        hint: 'fix the JSON syntax; a JSON-aware editor shows where',
      },
    };
  }
}

/** A value that is no object: a list exported by a tool is told as a list. */
function rootProblem(value: unknown): { message: string; hint: string } {
  if (!Array.isArray(value)) return { message: 'must be a JSON object', hint: 'wrap the fields in { … }' };
  return rootListProblem(
    value,
    'summary',
    'write one summary per file, each its own { … }, and list each file in the issue',
  );
}
