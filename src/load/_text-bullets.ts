import { BULLET_MARKS, isDigit, isSpace } from './_text-labels.js';

/**
 * How a line that ends a sentence (or a clause a label may follow) ends. Latin punctuation only: a
 * "Source: …" line below a line ending in 。 has always been read as more of that paragraph.
 */
export const ENDS_SENTENCE = /[.!?:;"'”’)\]…]$/;

/** The text of a bullet (`- x`, `* x`, `1. x`, `2) x`), or undefined when the line is not one. */
export function bulletOf(line: string): string | undefined {
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
export function withoutTaskBox(item: string | undefined): string | undefined {
  return item?.replace(/^\[[ xX]\][ \t]+(?=\S)/, '');
}

/**
 * A list item written without the space after its marker ("-Second item"), in a list that marker
 * already opens: its text, or undefined. Only before a capital, a digit-free word or a quote, so
 * "-10% year on year" wrapped from the line above stays part of that line.
 */
export function crampedBulletOf(line: string, markers: ReadonlySet<string>): string | undefined {
  const trimmed = line.trim();
  const mark = trimmed[0];
  // Not "*" or "+": "*Really* wraps" at a line's start is emphasis going on, not an item.
  if (mark === undefined || !'-•'.includes(mark) || !markers.has(mark)) return undefined;
  return /^[-•][\p{Lu}"“'‘]/u.test(trimmed) ? trimmed.slice(1).trim() : undefined;
}

/** A quotation's last line, not a list item: a name under it is who said it. */
export function quoteAbove(previous: string): boolean {
  return /[”"’']$/.test(previous.trim()) && bulletOf(previous) === undefined;
}

/** An item of an en-dash list: an em-dash name under it ("— Donald Knuth.") is who said it, not an item. */
export function enDashItemAbove(previous: string): boolean {
  return /^\s*–\s/.test(previous);
}

/**
 * A name ("Jane Doe, Example Weekly, 2026", "The Revenue Desk"), not a sentence ("Updated
 * quarterly.", "Slack, teams report faster fixes.", "Editor's note: …"): its words of four letters
 * or more start with a capital or a digit, and it holds no colon and no sentence break.
 */
export function isName(text: string): boolean {
  if (/[:;!?]|\.\s/.test(text)) return false;
  return text.split(/[\s,]+/).every((word) => word.length < 4 || /^[\p{Lu}\p{N}(“"']/u.test(word));
}

/** Text after a label that reads as a sentence: lower case first, five words or more, a full stop at the end. */
export function isSentence(text: string): boolean {
  return /^[a-z]/.test(text) && /[.!?]$/.test(text) && text.split(/\s+/).length >= 5;
}

/** Hard-wrapped prose reaches about this many characters before it wraps; a list item is shorter. */
export const WRAPPED_LINE = 60;

/**
 * In a list written without markers, whether `line` goes on from the line before rather than being
 * an item of its own: it starts in lower case, the line before ends with a comma (or the like), or
 * the line before is as long as hard-wrapped prose and ends mid-sentence.
 */
export function carriesOn(previous: string, line: string): boolean {
  if (/^[a-z]/.test(line) || /[,;:&]$|\b(?:and|or|to|of|the|a|an|for|with|in|on)$/i.test(previous)) return true;
  return previous.length >= WRAPPED_LINE && !ENDS_SENTENCE.test(previous);
}

/** Whether a list's line ends its item: a sentence's end, or any topic (topics are labels, not sentences). */
export function endsItem(previous: string, field: string): boolean {
  return field === 'topics' ? !/[,;:&]$/.test(previous) : ENDS_SENTENCE.test(previous);
}
