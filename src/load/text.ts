import { DateTime } from 'luxon';
import type { Problem } from '../errors.js';
import { closestWord } from '../suggest.js';
import { notePropertyOf } from './_note-properties.js';
import type { RolesProse } from './_roles-prose.js';
import { sameAddress } from './_source-address.js';
import {
  DASH_HEADING_NAMES,
  dashHeadingOf,
  headingOf,
  headingTitle,
  nearMissHeadingOf,
  SECTIONS,
  type SectionKind,
  stripHashes,
} from './_text-headings.js';
import {
  ABBREVIATION,
  BEST_FOR_LABELS,
  BEST_FOR_WITHOUT_COLON,
  BULLET_MARKS,
  bestForOf,
  followsLinkLabel,
  givesLink,
  HEADING_LIKE,
  INVISIBLE,
  isBareUrl,
  isDigit,
  isRelatedLine,
  isSpace,
  LINK_LABELS,
  labelled,
  linkOf,
  opensWithWideLabel,
  POOL_FIELD,
  publishedByOf,
  ROLES_AFTER_DASH,
  slackLinkLineOf,
  sourceLineOf,
  spacedLinkOf,
  wideLabelEndsProse,
  withoutLeadingSymbols,
} from './_text-labels.js';
import { wordSubBulletOf } from './_word-bullets.js';

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
  /** The first line that reads like a "Best for:" line without its colon ("Best for CTO"). */
  bestForWithoutColon?: { line: number; text: string };
  /** Lines under a Markdown roles heading that read as prose: refused unless the taxonomy names them. */
  rolesProse?: RolesProse[];
}

/** A line of a paragraph or list item; a `literal` one (a code fence's) is never rewritten. */
interface TextLine {
  text: string;
  literal?: boolean;
}

/**
 * Lines joined with spaces, each run of lines that are not `literal` made into what readers see by
 * `written` (given the run's lines joined with line breaks, and giving one line); a run it would
 * leave blank stays as written.
 */
export function joinLines(lines: readonly TextLine[], written: ((text: string) => string) | undefined): string {
  if (written === undefined || lines.length === 0) return lines.map((line) => line.text).join(' ');
  const out: string[] = [];
  let run: string[] = [];
  const closeRun = () => {
    if (run.length === 0) return;
    const rewritten = written(run.join('\n'));
    out.push(rewritten.trim() === '' ? run.join(' ') : rewritten);
    run = [];
  };
  for (const line of lines) {
    if (!line.literal) run.push(line.text);
    else {
      closeRun();
      out.push(line.text);
    }
  }
  closeRun();
  return out.join(' ');
}

/**
 * How a line that ends a sentence (or a clause a label may follow) ends. Latin punctuation only: a
 * "Source: …" line below a line ending in 。 has always been read as more of that paragraph.
 */
const ENDS_SENTENCE = /[.!?:;"'”’)\]…]$/;

/** The text of a bullet (`- x`, `* x`, `1. x`, `2) x`), or undefined when the line is not one. */
function bulletOf(line: string): string | undefined {
  let i = 0;
  while (isSpace(line[i])) i++;
  if (line[i] !== undefined && BULLET_MARKS.includes(line[i]!)) i++;
  else {
    const start = i;
    while (isDigit(line[i])) i++;
    if (i === start || (line[i] !== '.' && line[i] !== ')')) return undefined;
    i++;
  }
  if (!isSpace(line[i])) return undefined;
  return line.slice(i).trim();
}

/**
 * A task list's item ("- [ ] Keep warm.", "- [x] Done.") without its box: a Markdown preview shows a
 * checkbox, which an email cannot; read on, readers saw "[ ] Keep warm.". A box with nothing after it stays.
 */
function withoutTaskBox(item: string | undefined): string | undefined {
  return item?.replace(/^\[[ xX]\][ \t]+(?=\S)/, '');
}

/**
 * A list item written without the space after its marker ("-Second item"), in a list that marker
 * already opens: its text, or undefined. Only before a capital, a digit-free word or a quote, so
 * "-10% year on year" wrapped from the line above stays part of that line.
 */
function crampedBulletOf(line: string, markers: ReadonlySet<string>): string | undefined {
  const trimmed = line.trim();
  const mark = trimmed[0];
  // Not "*" or "+": "*Really* wraps" at a line's start is emphasis going on, not an item.
  if (mark === undefined || !'-•'.includes(mark) || !markers.has(mark)) return undefined;
  return /^[-•][\p{Lu}"“'‘]/u.test(trimmed) ? trimmed.slice(1).trim() : undefined;
}

/** Strips trailing blanks by scanning back: a regex anchored at `$` rescans runs of spaces. */
function trimEndBlanks(line: string): string {
  let end = line.length;
  while (end > 0) {
    const ch = line[end - 1];
    if (ch !== ' ' && ch !== '\t' && ch !== '\u00a0') break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
}

/** "**Key takeaway**", "**Key takeaway:**": a line that is one bold span. */
const BOLD_LINE = /^\*\*([^*:]{1,60})(:?)\*\*(:?)$/;
/** "**Best for:** CTO", "**Best for**: CTO": a bold label and its text. */
const BOLD_LABEL = /^\*\*([^*:]{1,64})(?::\*\*|\*\*:)(?=\s|$)(.*)$/;
const BOLD_LABELS = new Set([...BEST_FOR_LABELS, ...LINK_LABELS, 'source']);

/**
 * Bold headings and labels, as chat tools and rich-text exports write them, without their marks;
 * anything else bold stays as written. A whole-bold line is unmarked only when it is a section's own
 * name (Summary, Key takeaway, Key insights, Principles, In practice, Topics) that the file heads
 * nowhere else, in bold or not ("**Important**", "**Insights**" stay text); a bold label only when
 * it is "Best for" (or Audience, Roles), a link label or "Source", and its text is not a sentence
 * ("**Roles**: matter more than titles, she says." stays; "**Date:** …" always does).
 */
function unboldedLines(lines: string[], literal: ReadonlySet<number> | undefined): string[] {
  if (!lines.some((line) => line.includes('**'))) return lines;
  const named = (text: string) => {
    const heading = headingOf(text);
    return heading === undefined ? undefined : SECTIONS.get(heading.name)?.field;
  };
  // How many lines head each section, and give the roles, the source or the link, bold or not: a
  // bold one is unmarked only when it is the file's one line of its kind (a "**Source:** …" quoted
  // in a summary with an attribution below stays text, not a second source).
  const heads = new Map<string, number>();
  const kinds = new Map<string, number>();
  for (const line of lines) {
    const trimmed = line.trim();
    const bold = BOLD_LINE.exec(trimmed);
    const label = BOLD_LABEL.exec(trimmed);
    const field = named(bold ? bold[1]! : label ? `${label[1]!.trim()}: ${label[2]!.trim()}` : trimmed);
    if (field !== undefined) heads.set(field, (heads.get(field) ?? 0) + 1);
    const kind = kindOf(label ? `${label[1]!.trim()}: ${label[2]!.trim()}` : trimmed);
    if (kind !== undefined) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return lines.map((line, index) => {
    if (literal?.has(index) || !line.includes('**')) return line;
    const trimmed = line.trim();
    const bold = BOLD_LINE.exec(trimmed);
    if (bold) {
      const name = bold[1]!.trim().toLowerCase().replace(/\s+/g, ' ');
      const field = DASH_HEADING_NAMES.has(name) ? SECTIONS.get(name)?.field : undefined;
      return field !== undefined && heads.get(field) === 1 ? `${bold[1]!.trim()}${bold[2] || bold[3]}` : line;
    }
    const label = BOLD_LABEL.exec(trimmed);
    if (label) {
      const name = label[1]!.trim().toLowerCase().replace(/\s+/g, ' ');
      const rest = label[2]!.trim();
      const unbolded = `${label[1]!.trim()}: ${rest}`.trimEnd();
      // "**Summary:** Teams drown in alerts.", as chat tools write a heading and its text.
      const field = DASH_HEADING_NAMES.has(name) ? SECTIONS.get(name)?.field : undefined;
      if (field !== undefined && heads.get(field) === 1) return unbolded;
      const kind = kindOf(unbolded);
      if (
        BOLD_LABELS.has(name) &&
        kind !== undefined &&
        kinds.get(kind) === 1 &&
        !isSentence(rest) &&
        !/[.!?]$/.test(rest.split(/\s+/).length >= 4 ? rest : '')
      )
        return unbolded;
    }
    return line;
  });
}

/** What a label line gives: the roles, the source or the link; one a file may have once. */
function kindOf(trimmed: string): string | undefined {
  if (bestForOf(trimmed) !== undefined) return 'roles';
  // A closing "Via …" or "— Name" line counts too: a bold "**Source:**" quoted above it stays text.
  if (publishedByOf(trimmed) !== undefined || sourceLineOf(trimmed) !== undefined) return 'source';
  if (closingSourceOf(trimmed, trimmed) !== undefined) return 'source';
  if (linkOf(trimmed) !== undefined || isBareUrl(trimmed)) return 'url';
  return undefined;
}

export function splitLines(text: string): string[] {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines: string[] = [];
  let start = 0;
  // A line of nothing but invisible characters (a zero-width space pasted from a web page) is blank.
  // The vertical tab and form feed word processors and slide tools write for a line or page break
  // within a paragraph are a space: as control characters they would refuse the summary.
  const line = (written: string) => {
    const text = written.includes('\v') || written.includes('\f') ? written.replace(/[\v\f]/g, ' ') : written;
    const trimmed = trimEndBlanks(text);
    return trimmed !== '' && trimmed.replace(INVISIBLE, '').trim() === '' ? '' : trimmed;
  };
  for (let i = 0; i < withoutBom.length; i++) {
    const code = withoutBom.charCodeAt(i);
    if (code !== 10 && code !== 13) continue;
    lines.push(line(withoutBom.slice(start, i)));
    if (code === 13 && withoutBom.charCodeAt(i + 1) === 10) i++;
    start = i + 1;
  }
  lines.push(line(withoutBom.slice(start)));
  return lines;
}

export function parseSummaryText(
  text: string,
  file: string,
  options: {
    hasTitle?: boolean;
    firstLine?: number;
    /** Indexes of lines that are text whatever they look like (inside a Markdown code fence). */
    literal?: ReadonlySet<number>;
    /** Indexes of lines to pass over as if they were not there (a Markdown comment's). */
    skip?: ReadonlySet<number>;
    /**
     * What the text readers see is made of (a Markdown body's without its inline marks): applied to
     * the title line and to section text, never to labels, roles or `literal` lines.
     */
    written?: (text: string) => string;
    /** Whether a list item, as written, is nothing readers see (only an image): left out of its list. */
    unseenItem?: (text: string) => boolean;
    /** Whether the roles are given above the text (a Markdown summary's frontmatter). */
    rolesAbove?: boolean;
    /** Whether the article's link is given above the text (a Markdown summary's frontmatter). */
    linkAbove?: boolean;
    /** The address of each line that was only a Markdown link, by index (see `MarkdownBody`). */
    aloneLinks?: ReadonlyMap<number, string>;
  } = {},
): ParsedText {
  const hasTitle = options.hasTitle ?? true;
  // The file's line number of the text's first line: a Markdown body starts below its frontmatter,
  // and every line a problem names or a message quotes is the file's.
  const firstLine = options.firstLine ?? 1;
  const lines = unboldedLines(splitLines(text), options.literal);
  const raw: RawSummary = {};
  const at: Record<string, number> = {};
  const problems: Problem[] = [];
  const warn = (line: number, field: string, message: string, hint: string) =>
    problems.push({ severity: 'warning', file, line, field, message, hint });
  // A summary has one link, one source and one of each pool field: which of two was meant cannot be
  // told, so a second one is an error rather than silently replacing the first.
  const repeated = (field: string, line: number, what: string, value: unknown): boolean => {
    const first = at[field];
    if (first === undefined) return false;
    // The same value again ("Source: Acme" and "… published by Acme.") says nothing new.
    if (raw[field] === value) return true;
    problems.push({
      severity: 'error',
      file,
      line,
      field,
      message: `a second ${what} (the first is on line ${first})`,
      hint: 'keep one of the two lines',
    });
    return true;
  };

  /** The article's link, unless the summary has another already (then an error); whether it was taken. */
  const takeUrl = (url: string, line: number): boolean => {
    if (repeated('url', line, 'link', url)) return false;
    raw.url = url;
    at.url = line;
    return true;
  };
  /** The source named on `attribution`'s line, unless another was named already (then an error). */
  const takeSource = (attribution: string, name: string, line: number): void => {
    if (repeated('source', line, 'source line', name)) return;
    raw.attribution = attribution;
    raw.source = name;
    at.attribution = line;
    at.source = line;
  };

  let section: { field: string; kind: SectionKind; line: number } | undefined;
  let paragraph: TextLine[] = [];
  let paragraphs: string[] = [];
  let bullets: TextLine[][] = [];
  const writtenOut = (pieces: readonly TextLine[], field: string | undefined) =>
    joinLines(pieces, field === 'roles' ? undefined : options.written);
  const unseen = (item: readonly TextLine[]) =>
    options.unseenItem !== undefined &&
    !item.some((line) => line.literal) &&
    options.unseenItem(item.map((line) => line.text).join('\n'));
  // The markers the current list section's items are written with ("-", "1"): none, a list without.
  const markers = new Set<string>();
  // "- Logs, Metrics and Traces" is one topic; "AI, Security, Cost" on a line of its own is three.
  let topicsMarked = false;
  let ignoring = false;
  let bestForWithoutColon: ParsedText['bestForWithoutColon'];
  const nextText = nextNonBlankText(lines);
  // Whether a "Link:" line names the article: then "Source: <URL>" names the publisher, not it.
  let linkLine: boolean | undefined;
  // Whether a "Source:" or "Original article published by" line names the source anywhere.
  let sourceLine: boolean | undefined;
  const hasSourceLine = () =>
    (sourceLine ??= lines.some((line) => {
      const trimmed = line.trim();
      return publishedByOf(trimmed) !== undefined || sourceLineOf(trimmed) !== undefined;
    }));
  const hasLinkLine = () => (linkLine ??= lines.some((line) => linkOf(line.trim()) !== undefined));
  // The lines giving the roles ("Best for:", "Audience：…"), and whether another line or the frontmatter does.
  let rolesLines: number[] | undefined;
  const rolesElsewhere = (index: number) => {
    if (options.rolesAbove) return true;
    rolesLines ??= lines.flatMap((line, at) => (bestForOf(line.trim()) !== undefined ? [at] : []));
    return rolesLines.some((at) => at !== index);
  };
  // The lines giving the article's link in a way of their own (a link label, a bare address, "Source: https://…").
  let linkLines: number[] | undefined;
  /** Whether a line other than `index` gives the link: then an address noted on a closing line is not it. */
  const linkElsewhere = (index: number) => {
    if (options.linkAbove) return true;
    linkLines ??= lines.flatMap((line, at) => (givesLink(line.trim()) ? [at] : []));
    return linkLines.some((at) => at !== index);
  };
  // Whether a heading names the summary: without one, a Markdown body's first text is it.
  const namesSummary =
    !hasTitle &&
    lines.some(
      (line, index) =>
        !options.literal?.has(index) && SECTIONS.get(headingOf(line.trim())?.name ?? '')?.field === 'summary',
    );

  const flush = () => {
    if (!section) return;
    if (paragraph.length && !unseen(paragraph)) paragraphs.push(writtenOut(paragraph, section.field));
    const value =
      section.kind === 'paragraph'
        ? paragraphs.join('\n\n')
        : bullets.filter((item) => !unseen(item)).map((item) => writtenOut(item, section?.field));
    const existing = raw[section.field];
    // Appending in place: a file repeating one section thousands of times stays linear.
    if (Array.isArray(existing) && Array.isArray(value)) for (const item of value) existing.push(item);
    else if (typeof existing === 'string' && typeof value === 'string') raw[section.field] = `${existing}\n\n${value}`;
    else raw[section.field] = value;
    section = undefined;
    paragraph = [];
    paragraphs = [];
    bullets = [];
    markers.clear();
  };

  // Slack links alone on a line that another line's link stands beside: warned about at the end.
  const slackLinksLeft: { line: number; address: string }[] = [];
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + firstLine;
    if (options.skip?.has(index)) continue;
    const line = lines[index]!;
    const trimmed = line.trim();
    if (trimmed === '') {
      if (paragraph.length && !unseen(paragraph)) paragraphs.push(writtenOut(paragraph, section?.field));
      paragraph = [];
      continue;
    }

    if (hasTitle && raw.title === undefined && !section && !ignoring) {
      if (headingOf(trimmed) || bestForOf(trimmed) !== undefined) {
        problems.push({
          severity: 'error',
          file,
          line: lineNo,
          field: 'title',
          message: `is missing: the first line is the "${trimmed}" heading`,
          hint: 'put the article title alone on the first line; a title that starts like a heading is written "Title: …"',
        });
        raw.title = '';
      } else {
        const title = stripHashes(trimmed);
        // A "Title:" label's value is read as written, as every label's is, and so is a code fence's line.
        const labelled = /^title\s*:\s*/i.exec(title);
        raw.title = labelled
          ? title.slice(labelled[0].length)
          : joinLines([{ text: title, literal: options.literal?.has(index) }], options.written);
        at.title = lineNo;
        continue;
      }
    }

    if (options.literal?.has(index)) {
      if (ignoring) continue;
      if (!section)
        warn(lineNo, 'text', 'text outside any section is ignored', 'put it under a heading such as "Summary"');
      else if (section.kind === 'paragraph') paragraph.push({ text: trimmed, literal: true });
      else if (bullets.length) bullets[bullets.length - 1]!.push({ text: trimmed, literal: true });
      else bullets.push([{ text: trimmed, literal: true }]);
      continue;
    }

    // A line that goes on a paragraph whose last line ended mid-sentence (a hard-wrapped line) is
    // its text, even when it starts like a label ("source: …", "related on …", "1998. Since …").
    // A line ending in 。！？ ends its sentence only for a label typed as CJK input methods type it
    // ("Topics：…"): a "Source: …" line below one has always been more of the paragraph.
    const continuing =
      section?.kind === 'paragraph' &&
      paragraph.length > 0 &&
      !ENDS_SENTENCE.test(lines[index - 1]!.trim()) &&
      !(/[。．！？]$/.test(lines[index - 1]!.trim()) && opensWithWideLabel(trimmed) && wideLabelEndsProse(trimmed)) &&
      !followsLinkLabel(lines[index - 1]!.trim(), trimmed);
    // In a numbered list, "3. Practice" is one of its items; after a list with other markers it is a heading.
    // A dash heading never opens the text (a Markdown body's first line is its summary's).
    // A dash heading opens a block (after a blank line), never the middle of a paragraph or list,
    // except "Key takeaway — …", which prose hardly opens with ("In practice — most teams…" does).
    const opensBlock = index > 0 && lines[index - 1]!.trim() === '';
    const dashed = Object.keys(at).length > 0 ? dashHeadingOf(trimmed, at, lines) : undefined;
    const found = headingOf(trimmed) ?? (opensBlock || dashed?.name === 'key takeaway' ? dashed : undefined);
    const numberedList = section?.kind === 'bullets' && [...markers].some((mark) => isDigit(mark));
    // "Topics: the author covers eval sets, logs and costs." inside a summary is one of its sentences.
    const sentence = section?.kind === 'paragraph' && found?.inline !== undefined && isSentence(found.inline);
    const heading = (found?.numbered && numberedList) || sentence ? undefined : found;
    if (heading && !(continuing && heading.inline)) {
      flush();
      ignoring = false;
      const known = SECTIONS.get(heading.name);
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
          if (known.kind === 'paragraph') paragraph.push({ text: heading.inline });
          // "Topics: AI, Security" on one line is a list of labels.
          else if (known.field === 'topics')
            bullets = bullets.concat(splitRoles(heading.inline.replace(/;/g, ','), true).map((text) => [{ text }]));
          else bullets.push([{ text: heading.inline }]);
        }
      }
      continue;
    }

    // "…pitched at a broad / audience: directors, …" goes on a sentence; "Best for:" starts its own line.
    // In CJK prose, "Roles：工程经理、架构师都需要……" is more of it when the roles are given elsewhere:
    // only "Best for：" starts a line there. Without another, that line is the roles, as it always was.
    const prose =
      !/^[A-Z]/.test(trimmed) || (opensWithWideLabel(trimmed) && !wideLabelEndsProse(trimmed) && rolesElsewhere(index));
    let bestFor = continuing && prose ? undefined : bestForOf(trimmed);
    if (bestFor !== undefined) {
      flush();
      ignoring = false;
      // A list wrapped after a comma goes on in the next lines: "Best for: CTO, Executive," then
      // "Engineering Manager".
      while (/,\s*$/.test(bestFor) && continuesRoles(lines[index + 1]?.trim() ?? '')) {
        index++;
        bestFor = `${bestFor} ${lines[index]!.trim()}`;
      }
      const roles = splitRoles(bestFor, true);
      if (at.roles !== undefined) {
        // A second "Best for:" adds its roles: none of the readers either line names loses the summary.
        warn(lineNo, 'roles', `"Best for:" appears again (first on line ${at.roles})`, 'merge the two lines into one');
        raw.roles = [...(Array.isArray(raw.roles) ? raw.roles : []), ...roles];
      } else {
        raw.roles = roles;
        at.roles = lineNo;
      }
      if (bestFor === '') section = { field: 'roles', kind: 'bullets', line: lineNo };
      continue;
    }

    if (
      bestForWithoutColon === undefined &&
      (BEST_FOR_WITHOUT_COLON.test(trimmed) || ROLES_AFTER_DASH.test(withoutLeadingSymbols(trimmed)))
    )
      bestForWithoutColon = { line: lineNo, text: trimmed.slice(0, 60) };

    const link = continuing ? undefined : linkOf(trimmed);
    if (link !== undefined) {
      flush();
      takeUrl(link, lineNo);
      continue;
    }
    // Read as text, it would run into the section above and the summary would lose its link.
    const spaced = continuing ? undefined : spacedLinkOf(trimmed);
    if (spaced !== undefined) {
      flush();
      problems.push({
        severity: 'error',
        file,
        line: lineNo,
        field: 'url',
        message: `holds a space: "${spaced.slice(0, 60)}"`,
        hint: 'write a space inside a link as %20, and any words after the link on a line of their own',
      });
      continue;
    }

    // A note app's own record of the note ("Created: November 30, 2026 9:12 AM" under Notion's
    // "Tags:"): not the summary's, and never a topic or a line of its text.
    const noteProperty = continuing ? undefined : notePropertyOf(trimmed);
    if (noteProperty !== undefined) {
      flush();
      warn(
        lineNo,
        'text',
        `the note's "${noteProperty}" line is left out`,
        'delete it; a summary’s own date is written Date: YYYY-MM-DD',
      );
      continue;
    }

    const writtenDate = continuing ? undefined : longDateOf(trimmed);
    if (writtenDate !== undefined) {
      flush();
      if (writtenDate === null) {
        warn(lineNo, 'date', `could not read the date "${labelled(trimmed)!.rest}"`, 'write it as Date: YYYY-MM-DD');
        continue;
      }
      if (repeated('date', lineNo, '"date:" line', writtenDate)) continue;
      raw.date = writtenDate;
      at.date = lineNo;
      continue;
    }

    const poolField = continuing ? null : POOL_FIELD.exec(trimmed);
    if (poolField) {
      flush();
      const field = (poolField[1] ?? '').toLowerCase();
      const value = field === 'status' ? (poolField[2] ?? '').toLowerCase() : poolField[2];
      if (repeated(field, lineNo, `"${field}:" line`, value)) continue;
      raw[field] = value;
      at[field] = lineNo;
      continue;
    }

    let source = continuing ? undefined : (publishedByOf(trimmed) ?? sourceLineOf(trimmed));
    // "Source: the authors' own survey, run in March." inside a summary is one of its sentences.
    if (source !== undefined && section?.kind === 'paragraph' && isSentence(source)) source = undefined;
    // "Source: https://…" names the article's address: it is the link, when the summary has none.
    const sourceUrl = source !== undefined && isBareUrl(source) && !hasLinkLine() ? source : undefined;
    if (sourceUrl !== undefined && at.url === undefined) {
      flush();
      takeUrl(sourceUrl, lineNo);
      continue;
    }
    if (source !== undefined) {
      flush();
      takeSource(trimmed, ABBREVIATION.test(source) ? source.trim() : source.replace(/\.$/, '').trim(), lineNo);
      continue;
    }

    if (!continuing && isRelatedLine(trimmed)) {
      flush();
      continue;
    }

    // Below "Best for:" and outside any section, the lines that end a summary: "Via Publication",
    // "— Name, Publication", "Originally published by Publication". Never above it (a title's
    // subtitle, a quote), and never over a source another line names: then it gives way, read (and
    // warned about) as any other line there.
    const closingSource =
      continuing || section || ignoring || at.roles === undefined || at.roles >= lineNo
        ? undefined
        : closingSourceOf(trimmed, line);
    if (closingSource !== undefined && raw.source === undefined && !hasSourceLine()) {
      takeSource(trimmed, closingSource, lineNo);
      // "Via Example Weekly (https://…)": the address in the note is the article's, when no line gives one.
      // Not "— Jane Doe (https://…)": a name alone notes the person's own page, not the article.
      const personOnly = /^[—–]/.test(trimmed) && !closingSource.includes(',');
      const noted = personOnly ? undefined : NOTED_URL.exec(trimmed)?.[1];
      if (noted !== undefined && at.url === undefined && !linkElsewhere(index)) takeUrl(noted, lineNo);
      continue;
    }
    // Giving way, it says so where it would have been warned about anyway (as text outside any
    // section or an unknown heading), rather than taken in silently as the attribution.
    if (
      closingSource !== undefined &&
      !ATTRIBUTION_WORDS.test(trimmed) &&
      (!trimmed.startsWith('—') ? /^Via\s/.test(trimmed) : true)
    ) {
      warn(
        lineNo,
        'source',
        `"${trimmed.slice(0, 60)}" is not read as the source: another line names it`,
        'keep one line naming the source',
      );
      // What follows is ignored as it was when this line was an unknown heading.
      ignoring =
        HEADING_LIKE.test(trimmed) &&
        trimmed.split(/\s+/).length <= 4 &&
        previousEndsBlock(lines, index, nextText) &&
        nextText[index + 1] !== undefined;
      continue;
    }

    // "Key takeaway(s)", "Key insights (optional)" on a line of their own: a section's own name with
    // a note, read as that section when it has none yet. Any other line with ( ) or ; stays text
    // ("Control (placebo)", "Jane Doe (Acme)", "TL;DR").
    const nearMiss =
      !continuing && !ignoring && previousEndsBlock(lines, index, nextText) && nextText[index + 1] !== undefined
        ? nearMissHeadingOf(trimmed, at, lines, nextText[index + 1]!)
        : undefined;
    if (nearMiss !== undefined) {
      flush();
      // Read without a warning: the section is plain, and a file that loaded before warns no more.
      const known = SECTIONS.get(nearMiss)!;
      section = { ...known, line: lineNo };
      at[known.field] = lineNo;
      continue;
    }

    // A Markdown heading marker ("## Pitfalls") makes a heading whatever its words: read as text,
    // it would run into the paragraph above and reach readers with its hashes.
    const unmarked = stripHashes(trimmed);
    if (
      (unmarked !== trimmed && unmarked !== '') ||
      (HEADING_LIKE.test(trimmed) &&
        trimmed.split(/\s+/).length <= 4 &&
        bulletOf(trimmed) === undefined &&
        previousEndsBlock(lines, index, nextText) &&
        nextText[index + 1] !== undefined &&
        !leadsIntoText(trimmed, section?.kind))
    ) {
      flush();
      const written = unmarked.replace(/:$/, '');
      const meant = closestWord(written, SECTIONS.keys());
      const known = meant === undefined ? undefined : SECTIONS.get(meant);
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

    // A Slack link alone on a line ("<https://…|text>") is the article's link when no other line gives
    // one; beside another it is left out with a warning. Its markup never reaches readers.
    const slackLink = slackLinkLineOf(trimmed);
    if (slackLink !== undefined) {
      if (at.url === undefined && !linkElsewhere(index) && takeUrl(slackLink, lineNo)) continue;
      slackLinksLeft.push({ line: lineNo, address: slackLink });
      continue;
    }

    // A Markdown body's text before its first heading is its summary, when no heading names one.
    if (!section && !hasTitle && at.summary === undefined && !namesSummary) {
      section = { field: 'summary', kind: 'paragraph', line: lineNo };
      at.summary = lineNo;
    }
    if (!section) {
      // The article's address on a line of its own, below the sections.
      if (isBareUrl(trimmed) && takeUrl(trimmed, lineNo)) continue;
      // Or a Markdown link alone on a line there, when the summary gives no other link.
      const alone = options.aloneLinks?.get(index);
      if (alone !== undefined && at.url === undefined && !linkElsewhere(index) && takeUrl(alone, lineNo)) continue;
      if (raw.attribution === undefined && index > 0 && ATTRIBUTION_WORDS.test(trimmed)) {
        raw.attribution = trimmed;
        at.attribution = lineNo;
        // "Originally published at https://…" names where the article is: its link, when there is no other.
        const original = PUBLISHED_AT.exec(trimmed)?.[1];
        if (original !== undefined && at.url === undefined && !linkElsewhere(index)) takeUrl(original, lineNo);
        continue;
      }
      warn(lineNo, 'text', 'text outside any section is ignored', 'put it under a heading such as "Summary"');
      continue;
    }

    // A number or a dash opening a wrapped line ("founded in / 1998. Since then", "not the / – often
    // smaller – set") is not a list marker.
    let bullet = continuing && /^\s*[\d–—]/.test(line) ? undefined : withoutTaskBox(bulletOf(line));
    // "-Second item" in a list the same marker opens: an item missing its space, not the item
    // above going on (a wrapped line does not start with a dash and a capital).
    const cramped = bullet === undefined && section.kind === 'bullets' ? crampedBulletOf(line, markers) : undefined;
    if (cramped !== undefined) {
      bullet = cramped;
      warn(
        lineNo,
        section.field,
        `"${trimmed.slice(0, 30)}" has no space after its list marker`,
        `write "${trimmed[0]} ${cramped.slice(0, 20)}"`,
      );
    }
    // Word pastes a second-level bullet as the letter "o" (its Courier New circle): an indented "o" or
    // one before a tab opens an item of its own (see wordSubBulletOf).
    if (bullet === undefined && !continuing)
      bullet = wordSubBulletOf(line, lines[index - 1], section.kind === 'bullets' && markers.size > 0);
    // Below a list, the lines that end a summary: "— Name, Publication" (when the list's own
    // markers are others), "Via Publication" and the article's address on a line of its own.
    // Only where nothing but such lines follows: "- Read the guide at" / "https://…" is one item.
    const closing =
      section.kind === 'bullets' &&
      markers.size > 0 &&
      closesFile(nextText[index + 1]) &&
      (bullet !== undefined || (!isSpace(line[0]) && endsItem(lines[index - 1]!.trim(), section.field)))
        ? closingLine(trimmed, bullet, markers)
        : undefined;
    if (closing) {
      flush();
      if (closing.url !== undefined) takeUrl(closing.url, lineNo);
      else takeSource(trimmed, closing.source, lineNo);
      continue;
    }
    if (section.kind === 'bullets') {
      const afterBlank = lines[index - 1]?.trim() === '';
      if (bullet !== undefined) {
        bullets.push([{ text: bullet }]);
        markers.add(trimmed[0]!);
        if (section.field === 'topics') topicsMarked = true;
      } else if (bullets.length && (markers.size > 0 ? !afterBlank : carriesOn(lines[index - 1]!.trim(), trimmed))) {
        // A wrapped item goes on; in a list written without markers, one line is one item unless it
        // carries on the line before (see carriesOn).
        bullets[bullets.length - 1]!.push({ text: trimmed });
      } else bullets.push([{ text: trimmed }]);
    } else if (
      bullet !== undefined &&
      trimmed[0] === '—' &&
      paragraph.length > 0 &&
      ((quoteAbove(lines[index - 1]!) && !/^\s*[—–]\s/.test(lines[index + 1] ?? '')) ||
        (enDashItemAbove(lines[index - 1]!) && !/^\s*—\s/.test(lines[index + 1] ?? ''))) &&
      isName(bullet.replace(/\.$/, ''))
    ) {
      // "— Jane Doe, CTO at Example Corp" under a quotation (not under an item of an em-dash list)
      // is who said it, not a list item: it stays with the quote, dash and all. One with another dash
      // line under it opens an em-dash list.
      paragraph.push({ text: trimmed });
    } else if (bullet !== undefined) {
      // Bullets under a paragraph section (e.g. several key insights): one paragraph each, no markers.
      if (paragraph.length && !unseen(paragraph)) paragraphs.push(writtenOut(paragraph, section.field));
      paragraph = [{ text: bullet }];
    } else {
      paragraph.push({ text: trimmed });
    }
  }
  flush();
  // Known once every line is read: one repeating the link says nothing new.
  for (const { line, address } of slackLinksLeft)
    if (!(typeof raw.url === 'string' && sameAddress(raw.url, address)))
      warn(
        line,
        'url',
        'this Slack link is left out: another line gives the article link',
        'keep the link in one place: delete this line or the other link',
      );

  if (Array.isArray(raw.roles)) raw.roles = (raw.roles as string[]).flatMap((r) => splitRoles(r, true));
  if (Array.isArray(raw.topics) && raw.topics.length === 1 && !topicsMarked)
    raw.topics = splitRoles(String(raw.topics[0]).replace(/;/g, ','), true);
  return {
    raw,
    lines: at,
    problems,
    missingLine: lastNonBlank(lines),
    ...(bestForWithoutColon ? { bestForWithoutColon } : {}),
  };
}

/** A quotation's last line, not a list item: a name under it is who said it. */
function quoteAbove(previous: string): boolean {
  return /[”"’']$/.test(previous.trim()) && bulletOf(previous) === undefined;
}

/** An item of an en-dash list: an em-dash name under it ("— Donald Knuth.") is who said it, not an item. */
function enDashItemAbove(previous: string): boolean {
  return /^\s*–\s/.test(previous);
}

/** Dates as people write them on a `Date:` line, besides YYYY-MM-DD. */
const LONG_DATE_FORMATS = ['d MMMM yyyy', 'MMMM d, yyyy', 'MMMM d yyyy', 'd MMM yyyy', 'MMM d, yyyy', 'd.M.yyyy'];

/**
 * A `Date:` line not in YYYY-MM-DD (which POOL_FIELD reads): the date it names as YYYY-MM-DD,
 * null when it names none, undefined when the line is not a `Date:` line of that kind.
 */
function longDateOf(trimmed: string): string | null | undefined {
  const found = labelled(trimmed);
  // Only what looks like a date: "Date: the team picked…" is a sentence.
  const rest = found?.rest ?? '';
  if (found?.label !== 'date' || POOL_FIELD.test(trimmed) || rest.length > 40 || !/\b\d{4}\b/.test(rest))
    return undefined;
  if (rest.split(/\s+/).length > 4) return undefined;
  for (const format of LONG_DATE_FORMATS) {
    const day = DateTime.fromFormat(found.rest.replace(/\.$/, ''), format, { locale: 'en' });
    if (day.isValid) return day.toISODate();
  }
  return null;
}

/** An em dash line, a "Via" line or a bare address below a list with other markers, as what it is. */
function closingLine(
  trimmed: string,
  bullet: string | undefined,
  markers: ReadonlySet<string>,
): { url: string } | { url?: undefined; source: string } | undefined {
  if (bullet !== undefined && trimmed[0] === '—' && !markers.has('—'))
    return emDashItem(bullet, markers) ? undefined : { source: bullet.replace(/\.$/, '') };
  if (bullet !== undefined) return undefined;
  if (isBareUrl(trimmed)) return { url: trimmed };
  // "Via The Revenue Desk", a name; not "via the gateway", the end of a wrapped item.
  const via = /^Via\s+([A-Z0-9]\S*(?:\s.{0,200})?)$/u.exec(trimmed);
  return via ? { source: via[1]!.replace(/\.$/, '').trim() } : undefined;
}

/**
 * "— Three." closing a list of "– One.", "– Two.": an item typed with the other dash (word
 * processors turn some into em dashes), not who wrote the article: under an en-dash list, an
 * em-dash line ending in a full stop, or one that does not read as a name, is one more item.
 */
function emDashItem(bullet: string, markers: ReadonlySet<string>): boolean {
  // "— Jane Doe, Example Weekly (https://…)": a note in brackets is not part of the name.
  if (!isName(bullet.replace(/\.$/, '').replace(/\s*\([^()]*\)$/, ''))) return true;
  return markers.has('–') && bullet.endsWith('.') && !ABBREVIATION.test(bullet);
}

const NO_MARKERS: ReadonlySet<string> = new Set();
/** Words that make a line outside any section the attribution ("Editorial summary by …"). */
const ATTRIBUTION_WORDS = /curation|editorial|published|summary by/i;
/** A closing line's note in brackets that is a web address: "(https://…)". */
const NOTED_URL = /\(<?(https?:\/\/[^\s()<>]{1,2000})>?\)\.?$/i;
/** "Originally published at https://…": the article's address. */
const PUBLISHED_AT = /^(?:Originally|First) published (?:at|on|in):?\s+<?(https?:\/\/[^\s<>]{1,2000}?)>?\.?$/i;
/** "Originally published by Publication.": by a name only, not "in 1998" or "on March 3". */
const ORIGINALLY_PUBLISHED = /^(?:Originally|First) published by:?\s+(\p{Lu}.{0,200}?)(?:,?\s+(?:on|in)\s+.*)?$/u;

/**
 * The source a closing line names ("Via Publication", "— Name, Publication", "Originally
 * published by Publication."), or undefined: a name starts with a capital or a digit, so
 * "— as the saying goes…" stays text.
 */
function closingSourceOf(trimmed: string, line: string): string | undefined {
  const closing = closingLine(trimmed, bulletOf(line), NO_MARKERS);
  // "— Editorial Team, …", "— Curation by …": who made the summary, not where the article ran.
  if (closing !== undefined && ATTRIBUTION_WORDS.test(trimmed)) return undefined;
  const source =
    closing === undefined
      ? ORIGINALLY_PUBLISHED.exec(trimmed)?.[1]?.replace(/\.$/, '').trim()
      : closing.url === undefined
        ? closing.source
        : undefined;
  // "— Example Weekly (paywalled)": the note is not part of the name.
  const name = source?.replace(/\s*\([^()]*\)$/, '');
  return name !== undefined && name !== '' && isName(name) ? name : undefined;
}

/**
 * A name ("Jane Doe, Example Weekly, 2026", "The Revenue Desk"), not a sentence ("Updated
 * quarterly.", "Slack, teams report faster fixes.", "Editor's note: …"): its words of four letters
 * or more start with a capital or a digit, and it holds no colon and no sentence break.
 */
function isName(text: string): boolean {
  if (/[:;!?]|\.\s/.test(text)) return false;
  return text.split(/[\s,]+/).every((word) => word.length < 4 || /^[\p{Lu}\p{N}(“"']/u.test(word));
}

/** Text after a label that reads as a sentence: lower case first, five words or more, a full stop at the end. */
function isSentence(text: string): boolean {
  return /^[a-z]/.test(text) && /[.!?]$/.test(text) && text.split(/\s+/).length >= 5;
}

/** Hard-wrapped prose reaches about this many characters before it wraps; a list item is shorter. */
const WRAPPED_LINE = 60;

/**
 * In a list written without markers, whether `line` goes on from the line before rather than being
 * an item of its own: it starts in lower case, the line before ends with a comma (or the like), or
 * the line before is as long as hard-wrapped prose and ends mid-sentence.
 */
function carriesOn(previous: string, line: string): boolean {
  if (/^[a-z]/.test(line) || /[,;:&]$|\b(?:and|or|to|of|the|a|an|for|with|in|on)$/i.test(previous)) return true;
  return previous.length >= WRAPPED_LINE && !ENDS_SENTENCE.test(previous);
}

/** Whether a list's line ends its item: a sentence's end, or any topic (topics are labels, not sentences). */
function endsItem(previous: string, field: string): boolean {
  return field === 'topics' ? !/[,;:&]$/.test(previous) : ENDS_SENTENCE.test(previous);
}

/** Whether the lines from `next` (the next non-blank one) on can only end a summary: none, or a label line. */
function closesFile(next: string | undefined): boolean {
  if (next === undefined) return true;
  return (
    bestForOf(next) !== undefined ||
    linkOf(next) !== undefined ||
    sourceLineOf(next) !== undefined ||
    publishedByOf(next) !== undefined ||
    isRelatedLine(next) ||
    POOL_FIELD.test(next) ||
    isBareUrl(next) ||
    /^Via\s+[A-Z0-9]/u.test(next) ||
    /^—\s/.test(next)
  );
}

/**
 * Roles are split on commas only: "VP of Engineering/Data" is one role. In a text summary's lines
 * (`wide`), the full-width and ideographic commas CJK input methods type (，and 、) split too; a
 * JSON or frontmatter value is split on the ASCII comma alone, as it always was.
 */
/** The "and", "or" or "&" that opens the last entry of a list written as a sentence. */
export const LIST_JOINER = /^(?:and|or|&)\s+/i;

export function splitRoles(value: string, wide = false): string[] {
  // "(CTO, Executive)", "[CTO, Executive]": the list in brackets, not roles starting with one.
  const listed = /^\s*(?:\(([^()]*)\)|\[([^[\]]*)\])\.?\s*$/.exec(value);
  return (listed ? (listed[1] ?? listed[2]!) : value)
    .split(wide ? /[,，、]/ : ',')
    .map((role, index) => {
      const trimmed = role.trim().replace(/\.$/, '').trim();
      // "CTO, Executive, and Product Manager": the list's last "and" is not part of the role.
      return index > 0 ? trimmed.replace(LIST_JOINER, '') : trimmed;
    })
    .filter((role) => role.length > 0);
}

/**
 * "The fix was simple:" after a blank line in a paragraph section leads into the sentence or list
 * under it: ending in a colon, only a known heading or a near miss of one is a heading, so the
 * reader keeps what follows. A note for the editors ("Editor notes:", "Sources:", "TODO:") is
 * left out with what it heads, as any unknown heading, and so is such a line in a list section,
 * where it would become an item.
 */
function leadsIntoText(trimmed: string, kind: SectionKind | undefined): boolean {
  return (
    kind === 'paragraph' &&
    trimmed.endsWith(':') &&
    !EDITORS_NOTE.test(trimmed) &&
    closestWord(trimmed.slice(0, -1), SECTIONS.keys()) === undefined
  );
}

const EDITORS_NOTE =
  /^(?:(?:editor|editors|editor['’]s|editorial|internal|private|personal|draft|review|reviewer['’]?s?|my|our)\s+)?(?:notes?|comments?|todos?|to-?do|to do|sources?|references?|further reading|reading|links?|related|reminders?|questions?|internal|private|draft|do not (?:publish|send))\s*:$/i;

/** For each line, the next non-blank line after it (undefined at the end): one pass, not one per line. */
function nextNonBlankText(lines: string[]): (string | undefined)[] {
  const next: (string | undefined)[] = new Array(lines.length + 1);
  let following: string | undefined;
  for (let index = lines.length - 1; index >= 0; index--) {
    next[index + 1] = following;
    const trimmed = lines[index]!.trim();
    if (trimmed !== '') following = trimmed;
  }
  next[0] = following;
  return next;
}

/**
 * A short capitalised line is an (unknown) heading only where a heading can stand: after a blank
 * line, a bullet or a finished sentence, and not right under a known heading (there it is content).
 * `nextText[i]` is the first non-blank line at or after line i.
 */
function previousEndsBlock(lines: string[], index: number, nextText: (string | undefined)[]): boolean {
  const previous = lines[index - 1]?.trim() ?? '';
  if (previous === '') return true;
  if (headingOf(previous)) return false;
  if (bestForOf(previous) !== undefined) return true;
  if (bulletOf(previous) === undefined && !'.!?:"\')]'.includes(previous[previous.length - 1]!)) return false;
  // A hard-wrapped sentence goes on in lower case on the next line; a heading's content does not.
  const next = nextText[index + 1];
  return next === undefined || !/^[a-z]/.test(next);
}

function lastNonBlank(lines: string[]): number {
  for (let index = lines.length - 1; index >= 0; index--) if (lines[index]!.trim() !== '') return index + 1;
  return 1;
}

/**
 * A line that can go on a "Best for" list: not blank, and not a line of its own kind (a heading, a
 * link, the source, "Related on …", a bare address, "Via …"), which a stray comma at the end of the
 * list must not turn into a role.
 */
function continuesRoles(line: string): boolean {
  return (
    line !== '' &&
    headingOf(line) === undefined &&
    linkOf(line) === undefined &&
    publishedByOf(line) === undefined &&
    sourceLineOf(line) === undefined &&
    !POOL_FIELD.test(line) &&
    !isRelatedLine(line) &&
    !isBareUrl(line) &&
    closingLine(line, bulletOf(line), NO_MARKERS) === undefined
  );
}
