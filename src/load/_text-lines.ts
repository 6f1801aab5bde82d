import { INVISIBLE } from './_text-labels.js';

/** A line of a paragraph or list item; a `literal` one (a code fence's) is never rewritten. */
export interface TextLine {
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

/** Strips trailing blanks by scanning back: a regex anchored at `$` rescans runs of spaces. */
export function trimEndBlanks(line: string): string {
  let end = line.length;
  while (end > 0) {
    const ch = line[end - 1];
    if (ch !== ' ' && ch !== '\t' && ch !== '\u00a0') break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
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

/** For each line, the next non-blank line after it (undefined at the end): one pass, not one per line. */
export function nextNonBlankText(lines: string[]): (string | undefined)[] {
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

export function lastNonBlank(lines: string[]): number {
  for (let index = lines.length - 1; index >= 0; index--) if (lines[index]!.trim() !== '') return index + 1;
  return 1;
}
