import type { Problem } from '../errors.js';

/**
 * A Markdown summary's lines as the text format reads them, line for line, so every problem keeps
 * the file's line numbers:
 * - HTML comments are dropped: an editor's notes ("do not publish") never reach readers;
 * - a line that only underlines the one above (`-----`, `=====`) or breaks the page is blank;
 * - links are written as their text, images left out, and `**bold**` and `__bold__` unmarked, so
 *   a line that is only a bold heading ("**Key takeaway**") is read as that heading;
 * - lines inside a code fence are `literal`: text, never read as a heading or a label.
 * Every pattern is bounded and anchored or scanned by hand: time stays linear in the text.
 */
export interface MarkdownBody {
  lines: string[];
  /** Indexes of lines inside code fences. */
  literal: Set<number>;
  /** Indexes of lines that held only a comment or a fence: not there at all, not blank lines. */
  skip: Set<number>;
  problems: Problem[];
}

const FENCE = /^\s{0,3}(?:```|~~~)/;
const RULE = /^\s{0,3}(?:={3,}|-{3,}|\*{3,}|_{3,})\s*$/;
const IMAGE = /!\[[^\]\n]{0,500}\]\([^)\s]{0,2000}\)/g;
const LINK = /\[([^\]\n]{1,500})\]\([^)\s]{0,2000}\)/g;
const BOLD_STARS = /\*\*([^*\n]{1,500})\*\*/g;
const BOLD_UNDERSCORES = /__([^_\n]{1,500})__/g;

export function prepareMarkdownBody(source: readonly string[], file: string, firstLine: number): MarkdownBody {
  const problems: Problem[] = [];
  const lines = [...source];
  const literal = new Set<number>();
  const skip = new Set<number>();
  const comments = commentStripper();
  let fenced = false;
  for (let index = 0; index < lines.length; index++) {
    const written = source[index]!;
    // Code shows "<!--" as it is: in a fence, or on a line that opens or closes one, no comment starts.
    const line =
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
    lines[index] =
      line.includes('](') || line.includes('**') || line.includes('__')
        ? line.replace(IMAGE, '').replace(LINK, '$1').replace(BOLD_STARS, '$1').replace(BOLD_UNDERSCORES, '$1')
        : line;
  }
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
  return { lines, literal, skip, problems };
}

/** Takes every `<!-- … -->` out of the lines it is given in order; a comment may span several. */
function commentStripper(): { strip(line: string, index: number): string; opened(): number | undefined } {
  // The index of the line the comment still open began on.
  let open: number | undefined;
  return {
    opened: () => open,
    strip(line, index) {
      let out = '';
      let from = 0;
      for (;;) {
        if (open !== undefined) {
          const end = line.indexOf('-->', from);
          if (end < 0) return out;
          from = end + 3;
          open = undefined;
          continue;
        }
        const start = line.indexOf('<!--', from);
        if (start < 0) return out + line.slice(from);
        out += line.slice(from, start);
        from = start + 4;
        open = index;
      }
    },
  };
}
