/**
 * The gap an image or embed leaves when it is taken out of a line of text: the words on either
 * side keep one space between them ("Warm ![chart](c.png) pools" → "Warm pools"), none before
 * the punctuation that followed it ("with ![x](x.png), a comma" → "with, a comma"), and none at a
 * line's edge, where the line break becomes the space once the lines are joined.
 */

const HORIZONTAL_SPACE = /^[ \t]$/;
/** Marks that close what stands before them: no space goes before them. */
// Not quotation marks: » and ” open a quote in some languages.
const CLOSING = new Set([',', '.', ';', ':', '?', '!', ')', ']', '}', '…']);

export interface ImageGap {
  /** Where the text copied before the gap ends. */
  from: number;
  /** Where the text after the gap starts. */
  to: number;
  /** What stands in the gap: a space or nothing. */
  piece: string;
  /** Whether punctuation follows: a space an image just before left is taken back. */
  closes: boolean;
}

/**
 * The gap for an image from `start` to `end` in `text`; the text before `copied` is already
 * written, the last character of it `written` ('' when nothing is).
 */
export function imageGap(text: string, start: number, end: number, copied: number, written: string): ImageGap {
  let from = start;
  let to = end;
  while (from > copied && HORIZONTAL_SPACE.test(text[from - 1]!)) from--;
  while (to < text.length && HORIZONTAL_SPACE.test(text[to]!)) to++;
  const before = from > copied ? text[from - 1]! : written;
  const after = text[to] ?? '';
  const lineEdgeBefore = before === '' || before === '\n' || HORIZONTAL_SPACE.test(before);
  // Alone on its line: the line break after it goes too, or the lines around would be two gaps apart.
  if (lineEdgeBefore && after === '\n' && from === start) return { from, to: to + 1, piece: '', closes: false };
  const closes = CLOSING.has(after) && !(after === '!' && text[to + 1] === '[');
  const spaced = from < start || to > end;
  const piece = spaced && !lineEdgeBefore && after !== '' && after !== '\n' && !closes ? ' ' : '';
  return { from, to, piece, closes };
}

/** Where an image or embed stood in a line, and the white space around it. */
export const IMAGE_STOOD = '\u0000';
const STOOD = /([ \t]*)\u0000(?:[ \t]*\u0000)*([ \t]*)/g;

/**
 * `line` with each place an image stood (`IMAGE_STOOD`) closed as `imageGap` closes it: at the
 * line's start its indent stays (it says what the line belongs to), at its end nothing does.
 */
export function closedImageGaps(line: string): string {
  if (!line.includes(IMAGE_STOOD)) return line;
  return line.replace(STOOD, (gap: string, before: string, after: string, at: number, whole: string) => {
    if (whole.slice(0, at).trim() === '') return before;
    const next = whole[at + gap.length];
    if (next === undefined || whole.slice(at + gap.length).trim() === '' || CLOSING.has(next)) return '';
    // "word![x](x.png)word", as text without spaces between words writes it: nothing between.
    return before === '' && after === '' ? '' : ' ';
  });
}
