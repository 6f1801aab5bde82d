import type { Problem } from '../errors.js';
import { formatPath } from './_validate.js';

/**
 * Keys a CMS or note-app export keeps an entry's text under (`{"name": "CTO"}`, `{"text": "…"}`,
 * a Notion rich-text run's `plain_text`). An entry with one of them holding text is read as it.
 */
const TEXT_KEYS = ['plain_text', 'text', 'content', 'value', 'name', 'title'] as const;

const ONE_LINE_FIELDS = new Set(['title', 'source', 'url', 'date', 'status']);
const PARAGRAPH_FIELDS = new Set(['summary', 'takeaway', 'insights', 'attribution']);
const LIST_FIELDS = new Set(['roles', 'topics', 'principles', 'practice']);

/** Nested wrappers followed at most this deep (`{"text": {"content": "…"}}` is two). */
const MAX_DEPTH = 4;

type Path = (string | number)[];
type Unreadable = { path: Path; why: string };

export type FieldFormat = 'json' | 'markdown';

/**
 * A JSON summary's or a frontmatter's fields written as objects, as CMS and note-app exports write
 * them (`"roles": [{"name": "CTO"}]`, `"insights": [{"text": "…"}]`, a Notion rich-text list), read
 * as the text each holds; a paragraph field given as a list is its paragraphs. An object whose text
 * cannot be told is an error naming its path and what to write instead. Changes `raw` in place.
 */
export function readFieldObjects(
  raw: Record<string, unknown>,
  lineOf: (path: Path) => number,
  file: string,
  format: FieldFormat,
): Problem[] {
  const problems: Problem[] = [];
  for (const field of Object.keys(raw)) {
    if (!ONE_LINE_FIELDS.has(field) && !PARAGRAPH_FIELDS.has(field) && !LIST_FIELDS.has(field)) continue;
    const unreadable: Unreadable[] = [];
    const value = readField(field, raw[field], unreadable);
    for (const { path, why } of unreadable)
      problems.push({
        severity: 'error',
        file,
        line: lineOf(path),
        field: formatPath(path),
        message: why,
        hint: writeInstead(field, format),
      });
    if (unreadable.length === 0) raw[field] = value;
  }
  return problems;
}

function readField(field: string, value: unknown, unreadable: Unreadable[]): unknown {
  if (isPlainObject(value)) {
    // A list field given one object stays as it is: "must be a list" says what to write.
    if (LIST_FIELDS.has(field)) return value;
    const text = entryText(value, [field], unreadable, 0);
    return text === undefined ? value : field === 'source' ? sourceWithAddress(text, [value]) : text;
  }
  if (!Array.isArray(value) || !value.some((item) => isPlainObject(item) || PARAGRAPH_FIELDS.has(field))) return value;
  // A Notion rich-text list is one text in pieces (a bold word is a piece of its own).
  if (isRichText(value)) {
    const text = richText(value);
    if (field === 'source') return sourceWithAddress(text, value);
    return LIST_FIELDS.has(field)
      ? text
          .split(/\n+/)
          .map((line) => line.trim())
          .filter(Boolean)
      : text;
  }
  const items = value.map((item, index) =>
    isPlainObject(item) ? (entryText(item, [field, index], unreadable, 0) ?? item) : item,
  );
  if (!items.every((item) => typeof item === 'string')) return items;
  if (PARAGRAPH_FIELDS.has(field)) return items.filter((item) => item.trim() !== '').join('\n\n');
  if (ONE_LINE_FIELDS.has(field) && items.length === 1) return items[0];
  return items;
}

/** The one text an entry holds, or undefined with the reason noted in `unreadable`. */
function entryText(
  entry: Record<string, unknown>,
  path: Path,
  unreadable: Unreadable[],
  depth: number,
): string | undefined {
  const present = TEXT_KEYS.filter((key) => Object.hasOwn(entry, key) && entry[key] != null);
  const texts = [...new Set(present.map((key) => entry[key]).filter((v): v is string => typeof v === 'string'))];
  if (texts.length === 1) return texts[0];
  if (texts.length > 1) {
    const keys = present.filter((key) => typeof entry[key] === 'string');
    unreadable.push({ path, why: `holds more than one text (${keys.join(', ')}): which one is meant cannot be told` });
    return undefined;
  }
  const nested = present.filter((key) => typeof entry[key] === 'object');
  if (nested.length === 1 && depth < MAX_DEPTH) {
    const inner = entry[nested[0]!];
    if (isPlainObject(inner)) return entryText(inner, [...path, nested[0]!], unreadable, depth + 1);
    // Pieces of one text (a rich-text node's runs): joined as written.
    if (Array.isArray(inner) && inner.every(isPlainObject)) {
      const pieces: (string | undefined)[] = inner.map((piece, i) =>
        entryText(piece, [...path, nested[0]!, i], unreadable, depth + 1),
      );
      return pieces.every((piece) => piece !== undefined) ? pieces.join('') : undefined;
    }
  }
  unreadable.push({
    path,
    why: `is an object without one text in it (read from ${TEXT_KEYS.join(', ')})`,
  });
  return undefined;
}

/** Where an export keeps the address beside an entry's text (a Notion run's `href`). */
const ADDRESS_KEYS = ['url', 'href', 'link'] as const;

/**
 * A source given with its address (`{"name": "Example Weekly", "url": "https://…"}`, a Notion run
 * linked to the article) as "Example Weekly (https://…)": the address is then the article's link,
 * or stays beside the name when another link is given, as a source written so in text. Read as the
 * name alone, the address was lost and readers got the summary with no link.
 */
function sourceWithAddress(text: string, entries: readonly Record<string, unknown>[]): string {
  const addresses = new Set<string>();
  for (const entry of entries)
    for (const key of ADDRESS_KEYS) {
      const address = entry[key];
      if (typeof address === 'string' && /^https?:\/\//i.test(address.trim())) addresses.add(address.trim());
      else if (isPlainObject(address) && typeof address.url === 'string') addresses.add(address.url.trim());
    }
  if (addresses.size !== 1) return text;
  const [address] = addresses;
  return text.includes(address!) ? text : `${text} (${address})`;
}

/** Notion's rich text: a list of runs, each with its `plain_text`. */
function isRichText(value: unknown[]): value is { plain_text: string }[] {
  return value.length > 0 && value.every((item) => isPlainObject(item) && typeof item.plain_text === 'string');
}

function richText(runs: { plain_text: string }[]): string {
  return runs.map((run) => run.plain_text).join('');
}

function writeInstead(field: string, format: FieldFormat): string {
  if (format === 'markdown') {
    if (field === 'roles') return 'write each role as text: "roles: [CTO, Engineering Manager]"';
    if (LIST_FIELDS.has(field)) return `write each entry as text, one "- …" line under "${field}:"`;
    return `write it as text: "${field}: …"`;
  }
  if (field === 'roles') return 'write each role as text: "roles": ["CTO", "Engineering Manager"]';
  if (LIST_FIELDS.has(field)) return `write each entry as text: "${field}": ["…", "…"]`;
  return `write it as text: "${field}": "…"`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
