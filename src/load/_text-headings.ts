/**
 * The text format's section headings: the names each section goes by (`Summary`, `Overview`, `Key
 * takeaway`, `Why it matters`, …) and how a line is read as one (with `#`s, an emoji, a number, a
 * trailing colon and its text, a dash and its text, a note in brackets, a near miss).
 */
import { INVISIBLE, isAsciiLetter, isSpace, withoutLeadingSymbols } from './_text-labels.js';

export type SectionKind = 'paragraph' | 'bullets';

/** Known headings, matched case-insensitively, with an optional trailing colon. */
export const SECTIONS = new Map<string, { field: string; kind: SectionKind }>([
  ['summary', { field: 'summary', kind: 'paragraph' }],
  ['key takeaway', { field: 'takeaway', kind: 'paragraph' }],
  ['key takeaways', { field: 'takeaway', kind: 'paragraph' }],
  ['takeaway', { field: 'takeaway', kind: 'paragraph' }],
  ['key insights', { field: 'insights', kind: 'paragraph' }],
  ['key insight', { field: 'insights', kind: 'paragraph' }],
  ['insights', { field: 'insights', kind: 'paragraph' }],
  ['principles', { field: 'principles', kind: 'bullets' }],
  ['in practice', { field: 'practice', kind: 'bullets' }],
  ['topics', { field: 'topics', kind: 'bullets' }],
  // Other wordings editors and tools use for the same sections.
  ['overview', { field: 'summary', kind: 'paragraph' }],
  ['abstract', { field: 'summary', kind: 'paragraph' }],
  ['why it matters', { field: 'takeaway', kind: 'paragraph' }],
  ['the takeaway', { field: 'takeaway', kind: 'paragraph' }],
  ['key points', { field: 'insights', kind: 'paragraph' }],
  ['principle', { field: 'principles', kind: 'bullets' }],
  ['guiding principles', { field: 'principles', kind: 'bullets' }],
  ['practice', { field: 'practice', kind: 'bullets' }],
  ['in practise', { field: 'practice', kind: 'bullets' }],
  ['action items', { field: 'practice', kind: 'bullets' }],
  ['next steps', { field: 'practice', kind: 'bullets' }],
  ['tags', { field: 'topics', kind: 'bullets' }],
  ['keywords', { field: 'topics', kind: 'bullets' }],
  ['topic', { field: 'topics', kind: 'bullets' }],
]);

/** Whether a line is one of the known section headings (after its decoration, see `undecorated`). */

export function isSectionHeading(line: string): boolean {
  return headingOf(line.trim()) !== undefined;
}

/** Whether `line` heads the summary section (`Summary`, `Overview`, `Summary: …`). */
export function isSummaryHeading(line: string): boolean {
  return SECTIONS.get(headingOf(line.trim())?.name ?? '')?.field === 'summary';
}

/** Dashes (em, en, hyphen) and spaces ending a heading's line in place of its colon. */
const TRAILING_DASH = /^[—–-][—–\s-]*$/;

/** Known heading names are short; a longer run of letters is text, not a heading. */
export const MAX_HEADING = 64;

export function headingOf(
  trimmed: string,
): { name: string; text: string; inline: string | undefined; numbered: boolean } | undefined {
  const unhashed = stripHashes(trimmed);
  const bare = withoutLeadingSymbols(unhashed);
  const numbered = NUMBERED.test(bare);
  const stripped = undecorated(bare);
  if (!isAsciiLetter(stripped[0])) return undefined;
  let i = 0;
  while (i < stripped.length && (isAsciiLetter(stripped[i]) || stripped[i] === ' ')) {
    if (++i > MAX_HEADING) return undefined;
  }
  const text = stripped.slice(0, i).trimEnd();
  let rest = i;
  while (isSpace(stripped[rest])) rest++;
  let inline: string | undefined;
  // "In Practice —" alone on its line: a dash standing where the colon would, with nothing after it.
  if (rest < stripped.length && TRAILING_DASH.test(stripped.slice(rest))) rest = stripped.length;
  if (rest < stripped.length) {
    if (stripped[rest] !== ':' && stripped[rest] !== '：') return undefined;
    inline = stripped.slice(rest + 1).trim() || undefined;
  }
  const name = text.toLowerCase().replace(/ +/g, ' ');
  // "2. Summary: write one up" is a numbered item that starts with a section's name, not a heading.
  if (numbered && inline !== undefined) return undefined;
  return SECTIONS.has(name) ? { name, text, inline, numbered } : undefined;
}

/**
 * "Key takeaway — Bound them." (em or en dash, or a hyphen with spaces round it): a heading with its
 * text, read as "Key takeaway: Bound them." would be. Only a section's own name, only for a section
 * not yet seen (so a sentence that starts with a section's word stays in its paragraph), and only
 * when the text is short, starts with a capital and holds no dash of its own ("Insights — Not raw
 * data — drive good decisions" is prose). Never the title: that line is read before headings are.
 */
export const DASH_HEADING = /^([A-Za-z][A-Za-z ]{0,30}?) ?(?:[—–]| - ) ?(\p{Lu}.{0,150})$/u;

export const DASH_HEADING_NAMES = new Set([
  'summary',
  'key takeaway',
  'key insights',
  'principles',
  'in practice',
  'topics',
]);

export function dashHeadingOf(
  trimmed: string,
  at: Record<string, number>,
  lines: readonly string[],
): { name: string; text: string; inline: string; numbered: boolean } | undefined {
  const found = DASH_HEADING.exec(trimmed);
  if (!found) return undefined;
  const text = found[1]!.trimEnd();
  const inline = found[2]!.trim();
  if (/[—–]|\s-\s/.test(inline)) return undefined;
  const name = text.toLowerCase().replace(/ +/g, ' ');
  const section = SECTIONS.get(name);
  if (!DASH_HEADING_NAMES.has(name) || section === undefined || at[section.field] !== undefined) return undefined;
  // Topics are a list ("AI, cloud, cost"), not a sentence ("Cost and speed come up most often.").
  if (section.field === 'topics' && /[.!?]$/.test(inline)) return undefined;
  // A section the file heads elsewhere ("Key takeaway" on a line of its own below) is that one.
  return headedFields(lines).has(section.field) ? undefined : { name, text, inline, numbered: false };
}

/** "Key takeaway(s)", "Summary (short)": a section's own name and a note in parentheses. */
export const NEAR_MISS_HEADING = /^([A-Za-z][A-Za-z ]{0,30}?)(\(s\)| \([^()]{1,30}\))(:?)$/;

/** The section a near-miss heading names (its own name, "(s)" read as a plural), or undefined. */
export function nearMissHeadingOf(
  trimmed: string,
  at: Record<string, number>,
  lines: readonly string[],
  next: string,
): string | undefined {
  const found = NEAR_MISS_HEADING.exec(trimmed);
  if (!found) return undefined;
  const base = found[1]!.trimEnd().toLowerCase().replace(/ +/g, ' ');
  if (!DASH_HEADING_NAMES.has(base)) return undefined;
  // A note without its colon heads a section only when what follows starts like one (a capital, a
  // list marker): "In practice (as opposed to theory)" then "the budgets slip." is a sentence; and
  // Topics, whose text is a list, only with the colon.
  const noted = found[2] !== '(s)' && found[3] === '';
  if (noted && (base === 'topics' || !/^(?:\p{Lu}|[-*•]\s|\d+[.)]\s)/u.test(next.trim()))) return undefined;
  const name = found[2] === '(s)' && SECTIONS.has(`${base}s`) ? `${base}s` : base;
  const section = SECTIONS.get(name);
  if (section === undefined || at[section.field] !== undefined || headedFields(lines).has(section.field))
    return undefined;
  return name;
}

/** The fields a heading line of the file names, found once per file (a linear scan). */
export const HEADED = new WeakMap<readonly string[], Set<string>>();
export function headedFields(lines: readonly string[]): Set<string> {
  let fields = HEADED.get(lines);
  if (fields === undefined) {
    fields = new Set();
    for (const line of lines) {
      const heading = headingOf(line.trim());
      const field = heading === undefined ? undefined : SECTIONS.get(heading.name)?.field;
      if (field !== undefined) fields.add(field);
    }
    HEADED.set(lines, fields);
  }
  return fields;
}

/** A number before a heading ("2. Key takeaway", "3) Topics"). */
export const NUMBERED = /^\d{1,2}[.)]\s+/;

/**
 * A heading's words without what decorates them (its leading emoji already gone, see
 * `withoutLeadingSymbols`): a number, and no-break spaces or tabs between them. Only a line whose
 * words are then a known heading is read as one.
 */
export function undecorated(line: string): string {
  let out = line.replace(NUMBERED, '');
  if (out.includes('\u00a0') || out.includes('\t')) out = out.replace(/[\u00a0\t]/g, ' ');
  return out.replace(INVISIBLE, '');
}

/** Drops a Markdown heading marker (`# ` to `###### `). */
export function stripHashes(line: string): string {
  let hashes = 0;
  while (line[hashes] === '#') hashes++;
  if (hashes < 1 || hashes > 6 || !isSpace(line[hashes])) return line;
  let i = hashes;
  while (isSpace(line[i])) i++;
  return line.slice(i);
}

export function headingTitle(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The names readers know each section by, for a message about a heading that names it again. */
const SECTION_NAMES: Record<string, string> = {
  summary: 'Summary',
  takeaway: 'Key takeaway',
  insights: 'Key insights',
  principles: 'Principles',
  practice: 'In practice',
  topics: 'Topics',
};

/** "Why it matters" under a "Takeaway:" heading names the same section: say which, not only the words. */
export function sectionAgain(written: string, field: string, first: number): string {
  const name = SECTION_NAMES[field] ?? field;
  return written.toLowerCase() === name.toLowerCase()
    ? `"${written}" appears again (first on line ${first})`
    : `"${written}" heads the ${name} section again (first on line ${first}); its text is added to that section`;
}
