import type { Problem } from '../errors.js';
import { closestWord } from '../suggest.js';

/**
 * Reads the editorial-summary text format: a title line, then headed sections, a `Best for:` line,
 * a `Related on …` line and an attribution line. Returns raw fields plus the line each came from;
 * validation happens later, against the same schema every format goes through.
 */

export type RawSummary = Record<string, unknown>;

export interface ParsedText {
  raw: RawSummary;
  /** Line of each field, for pointing validation errors at the right place. */
  lines: Record<string, number>;
  problems: Problem[];
  /** Where a missing field should be added: the end of a text file, the frontmatter of Markdown. */
  missingLine?: number;
  /** The file could not be read as its format at all: report `problems` alone, with no "missing" cascade. */
  fatal?: boolean;
  /** Fields came from Markdown frontmatter (hints then speak of fields, not headings). */
  frontmatter?: boolean;
}

type SectionKind = 'paragraph' | 'bullets';

/** Known headings, matched case-insensitively, with an optional trailing colon. */
const SECTIONS: Record<string, { field: string; kind: SectionKind }> = {
  summary: { field: 'summary', kind: 'paragraph' },
  'key takeaway': { field: 'takeaway', kind: 'paragraph' },
  'key takeaways': { field: 'takeaway', kind: 'paragraph' },
  takeaway: { field: 'takeaway', kind: 'paragraph' },
  'key insights': { field: 'insights', kind: 'paragraph' },
  'key insight': { field: 'insights', kind: 'paragraph' },
  insights: { field: 'insights', kind: 'paragraph' },
  principles: { field: 'principles', kind: 'bullets' },
  'in practice': { field: 'practice', kind: 'bullets' },
  topics: { field: 'topics', kind: 'bullets' },
  // Other wordings editors and tools use for the same sections.
  overview: { field: 'summary', kind: 'paragraph' },
  abstract: { field: 'summary', kind: 'paragraph' },
  'why it matters': { field: 'takeaway', kind: 'paragraph' },
  'the takeaway': { field: 'takeaway', kind: 'paragraph' },
  'key points': { field: 'insights', kind: 'paragraph' },
  principle: { field: 'principles', kind: 'bullets' },
  'guiding principles': { field: 'principles', kind: 'bullets' },
  practice: { field: 'practice', kind: 'bullets' },
  'in practise': { field: 'practice', kind: 'bullets' },
  'action items': { field: 'practice', kind: 'bullets' },
  'next steps': { field: 'practice', kind: 'bullets' },
  tags: { field: 'topics', kind: 'bullets' },
  keywords: { field: 'topics', kind: 'bullets' },
  topic: { field: 'topics', kind: 'bullets' },
};

const BULLET = /^\s*(?:[-*+•–—·▪◦‣]|\d+[.)])\s+(.*)$/;
const BEST_FOR = /^(?:best\s+for|audience|for\s+roles|roles)\s*:\s*(.*)$/i;
const LINK = /^(?:link|url|read more|original|article)\s*:\s*(\S+)\s*$/i;
const RELATED = /^related\s+on\b/i;
const PUBLISHED_BY = /original article published by\s+(.+?)\s*\.?\s*$/i;
const SOURCE_LINE = /^source\s*:\s*(.+)$/i;
/** `Date: 2026-11-20` and `Status: draft`, for summaries kept in the content pool. */
const POOL_FIELD = /^(date|status)\s*:\s*(\S+)$/i;
/** Looks like a heading: short, capitalised, no sentence punctuation. */
const HEADING_LIKE = /^[A-Z][A-Za-z&/' -]{1,38}:?$/;

export function splitLines(text: string): string[] {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutBom.split(/\r\n|\r|\n/).map((line) => line.replace(/[ \t\u00a0]+$/, ''));
}

export function parseSummaryText(text: string, file: string, options: { hasTitle?: boolean } = {}): ParsedText {
  const hasTitle = options.hasTitle ?? true;
  const lines = splitLines(text);
  const raw: RawSummary = {};
  const at: Record<string, number> = {};
  const problems: Problem[] = [];
  const warn = (line: number, field: string, message: string, hint: string) =>
    problems.push({ severity: 'warning', file, line, field, message, hint });

  let section: { field: string; kind: SectionKind; line: number } | undefined;
  let paragraph: string[] = [];
  let paragraphs: string[] = [];
  let bullets: string[] = [];
  let ignoring = false;

  const flush = () => {
    if (!section) return;
    if (paragraph.length) paragraphs.push(paragraph.join(' '));
    const value = section.kind === 'paragraph' ? paragraphs.join('\n\n') : bullets;
    const existing = raw[section.field];
    if (Array.isArray(existing) && Array.isArray(value)) raw[section.field] = [...existing, ...value];
    else if (typeof existing === 'string' && typeof value === 'string') raw[section.field] = `${existing}\n\n${value}`;
    else raw[section.field] = value;
    section = undefined;
    paragraph = [];
    paragraphs = [];
    bullets = [];
  };

  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const line = lines[index]!;
    const trimmed = line.trim();
    if (trimmed === '') {
      if (paragraph.length) paragraphs.push(paragraph.join(' '));
      paragraph = [];
      continue;
    }

    if (hasTitle && raw.title === undefined && !section && !ignoring) {
      if (headingOf(trimmed) || BEST_FOR.test(trimmed)) {
        problems.push({
          severity: 'error',
          file,
          line: lineNo,
          field: 'title',
          message: `is missing: the first line is the "${trimmed}" heading`,
          hint: 'put the article title alone on the first line',
        });
        raw.title = '';
      } else {
        raw.title = trimmed.replace(/^title\s*:\s*/i, '');
        at.title = lineNo;
        continue;
      }
    }

    const heading = headingOf(trimmed);
    if (heading) {
      flush();
      ignoring = false;
      const known = SECTIONS[heading.name];
      if (known) {
        if (at[known.field] !== undefined)
          warn(
            lineNo,
            known.field,
            `"${heading.text}" appears again (first on line ${at[known.field]})`,
            'merge the two sections',
          );
        section = { ...known, line: lineNo };
        at[known.field] ??= lineNo;
        if (heading.inline) {
          if (known.kind === 'paragraph') paragraph.push(heading.inline);
          // "Topics: AI, Security" on one line is a list of labels.
          else if (known.field === 'topics') bullets.push(...splitRoles(heading.inline.replace(/;/g, ',')));
          else bullets.push(heading.inline);
        }
      }
      continue;
    }

    const bestFor = BEST_FOR.exec(trimmed);
    if (bestFor) {
      flush();
      ignoring = false;
      raw.roles = splitRoles(bestFor[1] ?? '');
      at.roles = lineNo;
      if ((bestFor[1] ?? '').trim() === '') section = { field: 'roles', kind: 'bullets', line: lineNo };
      continue;
    }

    const link = LINK.exec(trimmed);
    if (link) {
      flush();
      raw.url = link[1];
      at.url = lineNo;
      continue;
    }

    const poolField = POOL_FIELD.exec(trimmed);
    if (poolField) {
      flush();
      const field = (poolField[1] ?? '').toLowerCase();
      raw[field] = field === 'status' ? (poolField[2] ?? '').toLowerCase() : poolField[2];
      at[field] = lineNo;
      continue;
    }

    const publishedBy = PUBLISHED_BY.exec(trimmed);
    const sourceLine = SOURCE_LINE.exec(trimmed);
    if (publishedBy || sourceLine) {
      flush();
      raw.attribution = trimmed;
      raw.source = (publishedBy?.[1] ?? sourceLine?.[1] ?? '').replace(/\.$/, '').trim();
      at.attribution = lineNo;
      at.source = lineNo;
      continue;
    }

    if (RELATED.test(trimmed)) {
      flush();
      continue;
    }

    if (
      HEADING_LIKE.test(trimmed) &&
      trimmed.split(/\s+/).length <= 4 &&
      !BULLET.test(trimmed) &&
      previousEndsBlock(lines, index) &&
      isHeadingPosition(lines, index)
    ) {
      flush();
      const written = trimmed.replace(/:$/, '');
      const meant = closestWord(written, Object.keys(SECTIONS));
      const known = meant === undefined ? undefined : SECTIONS[meant];
      if (meant !== undefined && known !== undefined && at[known.field] === undefined) {
        // A misspelt heading ("Key takeway") keeps its content, read as the section it was meant to be.
        warn(
          lineNo,
          'heading',
          `unknown heading "${written}", read as "${headingTitle(meant)}"`,
          'correct its spelling',
        );
        section = { ...known, line: lineNo };
        at[known.field] = lineNo;
        ignoring = false;
        continue;
      }
      ignoring = true;
      warn(
        lineNo,
        'heading',
        `unknown heading "${written}"; its content is ignored`,
        meant === undefined
          ? 'use one of: Summary, Key takeaway, Key insights, Principles, In practice, Topics'
          : `did you mean "${headingTitle(meant)}"? (that section already appears above)`,
      );
      continue;
    }

    if (ignoring) continue;

    if (!section) {
      if (raw.attribution === undefined && index > 0 && /curation|editorial|published|summary by/i.test(trimmed)) {
        raw.attribution = trimmed;
        at.attribution = lineNo;
        continue;
      }
      warn(lineNo, 'text', 'text outside any section is ignored', 'put it under a heading such as "Summary"');
      continue;
    }

    const bullet = BULLET.exec(line);
    if (section.kind === 'bullets') {
      if (bullet) bullets.push((bullet[1] ?? '').trim());
      else if (bullets.length) bullets[bullets.length - 1] += ` ${trimmed}`;
      else bullets.push(trimmed);
    } else if (bullet) {
      // Bullets under a paragraph section (e.g. several key insights): one paragraph each, no markers.
      if (paragraph.length) paragraphs.push(paragraph.join(' '));
      paragraph = [(bullet[1] ?? '').trim()];
    } else {
      paragraph.push(trimmed);
    }
  }
  flush();

  if (Array.isArray(raw.roles)) raw.roles = (raw.roles as string[]).flatMap((r) => splitRoles(r));
  if (Array.isArray(raw.topics) && raw.topics.length === 1)
    raw.topics = splitRoles(String(raw.topics[0]).replace(/;/g, ','));
  return { raw, lines: at, problems, missingLine: lastNonBlank(lines) };
}

/** Roles are split on commas only: "VP of Engineering/Data" is one role. */
export function splitRoles(value: string): string[] {
  return value
    .split(',')
    .map((role) => role.trim().replace(/\.$/, '').trim())
    .filter((role) => role.length > 0);
}

function headingOf(trimmed: string): { name: string; text: string; inline: string | undefined } | undefined {
  const stripped = trimmed.replace(/^#{1,6}\s+/, '');
  const match = /^([A-Za-z][A-Za-z ]*?)\s*(?::\s*(.*))?$/.exec(stripped);
  if (!match) return undefined;
  const name = (match[1] ?? '').toLowerCase().replace(/\s+/g, ' ');
  if (!(name in SECTIONS)) return undefined;
  const inline = match[2]?.trim();
  return { name, text: match[1] ?? '', inline: inline ? inline : undefined };
}

/** A heading-like line counts as a heading only if content follows it (not the last line). */
function isHeadingPosition(lines: string[], index: number): boolean {
  for (let next = index + 1; next < lines.length; next++) if (lines[next]!.trim() !== '') return true;
  return false;
}

/**
 * A short capitalised line is an (unknown) heading only where a heading can stand: after a blank
 * line, a bullet or a finished sentence, and not right under a known heading (there it is content).
 */
function previousEndsBlock(lines: string[], index: number): boolean {
  const previous = lines[index - 1]?.trim() ?? '';
  if (previous === '') return true;
  if (headingOf(previous)) return false;
  if (BEST_FOR.test(previous)) return true;
  if (!BULLET.test(previous) && !/[.!?:"')\]]$/.test(previous)) return false;
  // A hard-wrapped sentence goes on in lower case on the next line; a heading's content does not.
  const next = lines.slice(index + 1).find((line) => line.trim() !== '');
  return next === undefined || !/^[a-z]/.test(next.trim());
}

function headingTitle(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function lastNonBlank(lines: string[]): number {
  for (let index = lines.length - 1; index >= 0; index--) if (lines[index]!.trim() !== '') return index + 1;
  return 1;
}
