import { append } from '../append.js';
import type { Problem } from '../errors.js';
import { emptiedItem } from './_emptied-items.js';
import { commentStripper } from './_html-comments.js';
import { closedImageGaps, IMAGE_STOOD } from './_image-gaps.js';
import { labelHeadings } from './_label-headings.js';
import { tableProblems } from './_markdown-tables.js';
import { noteTagsOf } from './_note-tags.js';
import { quotedHeading } from './_quoted-headings.js';
import { unquotedListLine } from './_quoted-lists.js';
import type { RolesProse } from './_roles-prose.js';
import { isSectionHeading } from './_text-headings.js';
import { givesLink } from './_text-labels.js';
import { codeSpanRanges, codeSpansClosed, outsideCodeSpans, referenceLabel } from './markdown-inline.js';

/**
 * A Markdown summary's lines as the text format reads them, line for line, so every problem keeps
 * the file's line numbers:
 * - HTML comments are dropped: an editor's notes ("do not publish") never reach readers;
 * - a line that only underlines the one above (`-----`, `=====`) or breaks the page is blank;
 * - links are written as their text, images left out, and `**bold**` and `__bold__` unmarked (not
 *   inside a code span), so a line that is only a bold heading ("**Key takeaway**") is read as that
 *   heading;
 * - lines inside a code fence are `literal`: text, never read as a heading or a label;
 * - a reference definition (`[ref]: https://…`) that a `[text][ref]` of the file uses is not
 *   there at all, and `definitions` names it, so the text unwraps its references.
 * Every pattern is bounded and anchored or scanned by hand: time stays linear in the text.
 */
export interface MarkdownBody {
  lines: string[];
  /** Indexes of lines inside code fences. */
  literal: Set<number>;
  /** Indexes of lines that held only a comment or a fence: not there at all, not blank lines. */
  skip: Set<number>;
  /** Labels (see `referenceLabel`) of the reference definitions the body uses. */
  definitions: Set<string>;
  /**
   * The index of a "Link: [the whole post](https://…)" line left as written for the label to read
   * the article's address from (the file gives no other link); see `linkNotRead`.
   */
  wordedLink?: number;
  /**
   * The address of each line that is only a Markdown link to a web page (`[Read the original](https://…)`,
   * as read-later apps close an export), by index: the line itself keeps the link's text.
   */
  aloneLinks: Map<number, string>;
  /** A note app's tag lines (`#engineering #infra/caching`), by index, not there at all: the topics. */
  tags: { index: number; names: string[] }[];
  /** Lines under a roles heading that read as prose: refused unless the role taxonomy names them. */
  rolesProse: RolesProse[];
  problems: Problem[];
}

/** A line that is only a Markdown link to a web page. */
const ALONE_LINK = /^\s*\[[^[\]]{1,500}\]\((https?:\/\/[^\s()<>]{1,2000})\)\s*$/i;

const FENCE = /^\s{0,3}(?:```|~~~)/;
const RULE = /^\s{0,3}(?:={3,}|-{3,}|\*{3,}|_{3,})\s*$/;
// An address holding "(" or a title is left to the text readers see (see markdown-inline.ts):
// unwrapped here, "Link:" and "Source:" lines would read differently.
const IMAGE = /!\[([^\]\n]{0,500})\]\([^()\s]{0,2000}\)/g;
// Not a bracket written with a backslash: "\\[not a link\\](x)" is left to the text's escapes. A link
// with no text is nothing a reader sees: a badge, "[![CI](badge.svg)](…)", is left out with its image.
const LINK = /(?<!\\)\[((?:[^\]\n]{0,499}[^\]\n\\])?)\]\([^()\s]{0,2000}\)/g;
/** A link's title after its address: `"Title"` or `'Title'`. */
const LINK_TITLE = `(?:[ \\t]{1,20}(?:"[^"\\n]{0,500}"|'[^'\\n]{0,500}'))?`;
/** A link label line (bold or not) whose value is one link, its text made of `textChar`, maybe a title after its address. */
function linkLabelLine(textChar: string): RegExp {
  return new RegExp(
    `^ {0,3}(?:\\*\\*)?(?:link|url|read more|original|article)(?:\\*\\*)?[ \\t]{0,20}:(?:\\*\\*)?[ \\t]{0,20}\\[${textChar}{1,500}\\]\\(<?[^<>()\\s]{1,2000}>?${LINK_TITLE}\\)$`,
    'i',
  );
}
/**
 * "Link: [here](https://…)", bold or not: a link label whose value is one link with a one-word text
 * keeps it, for the label to read the address from (as in a text summary). Unwrapped, the word
 * would be read as the address and the file refused; a longer text has always stayed text.
 */
const LINK_LABEL_LINE = linkLabelLine('[^\\]\\s]');
/**
 * The same label with a link whose text has several words ("Link: [the post](https://…)"): the
 * article's link when the file gives no other; beside another one, text, with a warning.
 */
const LINK_LABEL_WORDS = linkLabelLine('[^\\]\\n]');
// Not inside a word of ASCII letters and digits: "x**2 + y**2" and "a__b__c" are not bold. Stars
// that a word goes on after only close one, as CommonMark has it ("**API**s").
const BOLD_STARS =
  /(?<![A-Za-z0-9])\*\*([^*\n]{1,500})\*\*(?![A-Za-z0-9])|(?<![A-Za-z0-9])\*\*([^*\s]|[^*\s][^*\n]{0,498}[^*\s])\*\*(?=[A-Za-z0-9])/g;
const BOLD_UNDERSCORES = /(?<![A-Za-z0-9])__([^_\n]{1,500})__(?![A-Za-z0-9])/g;
/**
 * `[ref]: https://…`, `[ref]: <…> "Title"`: a definition on one line, its address with a scheme or a
 * path, not a footnote (`[^1]: …`). A line such as "[Update]: Revised." stays text.
 */
const DEFINITION =
  /^ {0,3}\[([^[\]^][^[\]]{0,998})\]:[ \t]*(?:<[^<>]{0,2000}>|[A-Za-z][A-Za-z0-9+.-]{1,31}:\S{1,2000}|[/#]\S{0,2000})(?:[ \t]+(?:"[^"]{0,500}"|'[^']{0,500}'|\([^()]{0,500}\)))?[ \t]*$/;
/** A link's brackets as a reference would use them: `[text]`, `[ref]`. */
const BRACKETED = /\[([^[\]]{1,999})\]/g;
/** An ATX heading: a definition may stand right below one. */
const ATX_HEADING = /^ {0,3}#{1,6}(?:\s|$)/;

export function prepareMarkdownBody(
  source: readonly string[],
  file: string,
  firstLine: number,
  /** Whether the frontmatter gives the article's link. */
  linkAbove = false,
  /** The fields the frontmatter gives: a heading naming one of them is left as it was written. */
  givenAbove: ReadonlySet<string> = new Set(),
): MarkdownBody {
  const problems: Problem[] = [];
  // The "Link: [several words](…)" lines, each as written and as text.
  const worded: { index: number; written: string; text: string }[] = [];
  const aloneLinks = new Map<number, string>();
  const tags: { index: number; names: string[] }[] = [];
  const lines = [...source];
  const literal = new Set<number>();
  const skip = new Set<number>();
  const comments = commentStripper();
  let fenced = false;
  for (let index = 0; index < lines.length; index++) {
    const written = source[index]!;
    // Code shows "<!--" as it is: in a fence, or on a line that opens or closes one, no comment starts.
    let line =
      fenced || (comments.opened() === undefined && FENCE.test(written)) ? written : comments.strip(written, index);
    if (line !== written && line.trim() === '') {
      // It held only a comment, or a comment's middle: not there at all.
      lines[index] = '';
      skip.add(index);
      continue;
    }
    if (FENCE.test(line)) {
      fenced = !fenced;
      lines[index] = '';
      skip.add(index);
      continue;
    }
    if (fenced) {
      literal.add(index);
      continue;
    }
    if (RULE.test(line)) {
      lines[index] = '';
      continue;
    }
    const unquoted = unquotedListLine(line);
    if (unquoted === '') {
      lines[index] = '';
      continue;
    }
    if (unquoted !== undefined) line = unquoted;
    // "[^1]: Measured on Lambda.": a footnote, which the message has no place for.
    if (FOOTNOTE_DEFINITION.test(line)) {
      lines[index] = '';
      skip.add(index);
      problems.push(footnoteLeftOut(file, index + firstLine));
      continue;
    }
    const names = line.includes('#') ? noteTagsOf(line, lines[index - 1], source[index + 1]) : undefined;
    if (names !== undefined) {
      tags.push({ index, names });
      lines[index] = '';
      skip.add(index);
      continue;
    }
    const alone = line.includes('](') ? ALONE_LINK.exec(line)?.[1] : undefined;
    if (alone !== undefined) aloneLinks.set(index, alone);
    const labelLine = line.includes('](') && LINK_LABEL_LINE.test(line);
    // "…cold starts.[^1]": a footnote's mark, left out with its footnote.
    const unmarked = line.includes('[^') ? outsideCode(line, FOOTNOTE_MARK, () => '') : line;
    const linked = line.includes('](') && !labelLine ? withoutLinks(unmarked) : unmarked;
    lines[index] = unbolded(closedImageGaps(linked.includes('![[') ? withoutEmbeds(linked) : linked));
    if (lines[index]!.trim() === '' && line.includes('![')) {
      // A line that was only images: not there at all, so the paragraph it stood in goes on.
      lines[index] = '';
      skip.add(index);
      continue;
    }
    if (emptiedItem(line, lines[index]!)) {
      // An item that was only an image: left out with it.
      lines[index] = '';
      skip.add(index);
      continue;
    }
    // "> **Summary**: …", "> [!summary] Summary": a quote opening with a heading is that heading.
    const heading = quotedHeading(
      lines[index]!,
      index > 0 ? source[index - 1] : undefined,
      source[index + 1],
      QUOTE_LINE.test(line) ? textAbove(source, index) : undefined,
    );
    if (heading !== undefined) lines[index] = heading;
    if (line.includes('](') && !labelLine && LINK_LABEL_WORDS.test(line))
      worded.push({ index, written: unbolded(line), text: lines[index]! });
  }
  const rolesProse = labelHeadings(lines, literal, givenAbove).map(({ index, heading, value }) => ({
    line: index + firstLine,
    heading,
    value,
  }));
  // One such line in a file giving no other link is the article's: left as written, the label reads it.
  const only = worded.length === 1 ? worded[0]! : undefined;
  const linkElsewhere =
    linkAbove || lines.some((line, index) => index !== only?.index && !literal.has(index) && givesLink(line.trim()));
  if (only !== undefined && !linkElsewhere) lines[only.index] = only.written;
  else for (const { index } of worded) problems.push(linkNotRead(file, index + firstLine));
  const definitions = usedDefinitions(lines, literal, skip);
  append(problems, tableProblems(lines, literal, file, firstLine));
  const unclosed = comments.opened();
  if (unclosed !== undefined)
    problems.push({
      severity: 'warning',
      file,
      line: unclosed + firstLine,
      field: 'text',
      message: 'an HTML comment is not closed: the text after it is left out',
      hint: 'end the comment with -->',
    });
  return {
    lines,
    literal,
    skip,
    definitions,
    aloneLinks,
    tags,
    rolesProse,
    ...(only !== undefined && !linkElsewhere ? { wordedLink: only.index } : {}),
    problems,
  };
}

/** `**bold**` and `__bold__` unmarked, not inside a code span. */
const QUOTE_LINE = /^ {0,3}>/;

/** The nearest line above `index` with text on it (blank lines between skipped, a few hundred at most). */
function textAbove(source: readonly string[], index: number): string | undefined {
  for (let at = index - 1; at >= Math.max(0, index - 200); at--) if (source[at]!.trim() !== '') return source[at];
  return undefined;
}

function unbolded(line: string): string {
  return line.includes('**') || line.includes('__')
    ? outsideCodeSpans(line, (part) => part.replace(BOLD_STARS, '$1$2').replace(BOLD_UNDERSCORES, '$1'))
    : line;
}

/** "Link: [the whole post](https://…)" read as text (another line gives the link, or it goes on a sentence). */
export function linkNotRead(file: string, line: number): Problem {
  return {
    severity: 'warning',
    file,
    line,
    field: 'url',
    message: 'this line is read as text, not as the article link: its link text has several words',
    hint: 'give the address itself (Link: https://…), or the link in the frontmatter as url',
  };
}

/** A footnote's definition, `[^1]: …`, and its mark in the text, `[^1]`. */
const FOOTNOTE_DEFINITION = /^ {0,3}\[\^[^\]\s]{1,100}\]:/;
const FOOTNOTE_MARK = /\[\^([^\]\s]{1,100})\]/g;

function footnoteLeftOut(file: string, line: number): Problem {
  return {
    severity: 'warning',
    file,
    line,
    field: 'text',
    message: 'is a footnote, which readers are not shown: it is left out, and its mark in the text',
    hint: 'put what it says in the sentence it belongs to',
  };
}

/** Obsidian's embed, `![[diagram.png]]`, `![[Cold Starts#Numbers|300]]`: an image or another note shown in place. */
const EMBED = /!\[\[([^[\]\n]{1,500})\]\]/g;

/**
 * `line` with its Obsidian embeds left out, as its images are, but not one a code span holds: on
 * a line of its own, an embed left to the text readers see stayed there as written ("![[diagram.png]]").
 * The space it stood between is one space.
 */
function withoutEmbeds(line: string): string {
  return outsideCode(line, EMBED, () => IMAGE_STOOD);
}

/**
 * `line` with its links written as their text and its images left out, but not a link a code span
 * holds (`` `[a](b)` ``) or one whose text a code span runs on past (`[a `b](c) d`); a code span
 * inside the text is the text's (`[`code`](…)`).
 */
function withoutLinks(line: string): string {
  if (!line.includes('`'))
    return line.replace(IMAGE, IMAGE_STOOD).replace(LINK, (_link, text: string) => linkShown(text));
  return outsideCode(
    outsideCode(line, IMAGE, () => IMAGE_STOOD),
    LINK,
    linkShown,
  );
}

/**
 * A link's text as readers see it: a numbered citation, "[1](https://…)", keeps its brackets; a
 * longer number is a figure or a year written as a link ("the [2024](https://…) report").
 */
function linkShown(text: string): string {
  return /^\d{1,3}$/.test(text.trim()) ? `[${text.trim()}]` : text;
}

function outsideCode(line: string, pattern: RegExp, written: (text: string) => string): string {
  const spans = codeSpanRanges(line);
  let span = 0;
  return line.replace(pattern, (link: string, text: string, at: number) => {
    while (span < spans.length && spans[span]!.end <= at) span++;
    const inCode = span < spans.length && spans[span]!.start <= at;
    return inCode || !codeSpansClosed(text) ? link : written(text);
  });
}

/**
 * Takes the reference definitions the body's text uses out of `lines` (marking them skipped) and
 * returns their labels. As in CommonMark, a definition cannot interrupt a paragraph: it opens the
 * body, or stands after a blank line, a `#` heading or another definition. One nothing uses stays
 * text, as it always read.
 */
function usedDefinitions(lines: string[], literal: ReadonlySet<number>, skip: Set<number>): Set<string> {
  const found = new Map<number, string>();
  let previous: number | undefined;
  for (let index = 0; index < lines.length; index++) {
    if (skip.has(index)) continue;
    const line = lines[index]!;
    const opensBlock =
      previous === undefined ||
      lines[previous]!.trim() === '' ||
      ATX_HEADING.test(lines[previous]!) ||
      found.has(previous);
    const definition = literal.has(index) || !opensBlock ? undefined : DEFINITION.exec(line);
    if (definition) found.set(index, referenceLabel(definition[1]!));
    previous = index;
  }
  keepDefinitionsAlone(lines, literal, skip, found);
  const used = new Set<string>();
  if (found.size === 0) return used;
  const mentioned = new Set<string>();
  for (const [index, line] of lines.entries()) {
    if (found.has(index) || skip.has(index) || literal.has(index) || !line.includes('[')) continue;
    for (const bracketed of line.matchAll(BRACKETED)) mentioned.add(referenceLabel(bracketed[1]!));
  }
  for (const [index, label] of found) {
    if (!mentioned.has(label)) continue;
    used.add(label);
    lines[index] = '';
    skip.add(index);
  }
  return used;
}

/**
 * Drops from `found` the definitions with no other text under their heading (a `## Summary` holding
 * only `[p]: https://…`): they stay text, as they always read, and never leave a section empty.
 */
function keepDefinitionsAlone(
  lines: readonly string[],
  literal: ReadonlySet<number>,
  skip: ReadonlySet<number>,
  found: Map<number, string>,
): void {
  let block: number[] = [];
  let text = false;
  const close = () => {
    if (!text) for (const index of block) found.delete(index);
    block = [];
    text = false;
  };
  for (const [index, line] of lines.entries()) {
    if (skip.has(index)) continue;
    if (found.has(index)) block.push(index);
    else if (!literal.has(index) && (ATX_HEADING.test(line) || isSectionHeading(line))) close();
    else if (line.trim() !== '') text = true;
  }
  close();
}
