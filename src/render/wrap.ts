/**
 * Wraps the plain-text part for readers whose mail clients show it as written (RFC 3676 suggests
 * at most 78 columns). Lines break at spaces, so words, URLs and the per-reader tokens (which
 * contain no spaces) are never split; a word longer than the width gets a line of its own. Chinese,
 * Japanese and Korean are written without spaces: they also break between their characters, which
 * take two columns each, but never before closing punctuation or after opening punctuation.
 */

export const TEXT_WIDTH = 76;

/** `  * `, `- `, `1. `: continuation lines hang under the text after the marker. */
const BULLET = /^[ \t]*(?:[*\-+•]|\d{1,3}[.)])[ \t]+/u;
const INDENT = /^[ \t]*/;
const HEADING = /^(?:#{1,6}|={2,})$/;

export function wrapText(text: string, width: number = TEXT_WIDTH): string {
  return text
    .split('\n')
    .map((line) => wrapLine(line, width))
    .join('\n');
}

export function wrapLine(line: string, width: number = TEXT_WIDTH): string {
  const wideText = WIDE.test(line);
  if ((line.length <= width && !wideText) || columns(line) <= width) return line;
  const marker = BULLET.exec(line)?.[0] ?? INDENT.exec(line)![0];
  const lead = marker.replace(/\t/g, '  ');
  // Only ordinary spaces and tabs separate words: a no-break space keeps its neighbours together.
  const spaced = line
    .slice(marker.length)
    .split(/[ \t]+/)
    .filter(Boolean);
  // Each word joins the line before it with a space, except a part of a word cut between wide characters.
  const words: string[] = [];
  const joins: string[] = [];
  for (const word of spaced) {
    // An address is one word whatever it holds: a reader copies it whole.
    const parts = wideText && WIDE.test(word) && !/^[a-z][a-z0-9+.-]*:/i.test(word) ? breakWide(word) : [word];
    for (let k = 0; k < parts.length; k++) {
      words.push(parts[k]!);
      joins.push(k === 0 ? ' ' : '');
    }
  }
  // A heading marker (`## `, `== `) is no text of its own: alone on a line it heads nothing.
  if (words.length > 1 && HEADING.test(words[0]!)) {
    words.splice(0, 2, `${words[0]}${joins[1]}${words[1]}`);
    joins.splice(1, 1);
  }
  if (words.length < 2) return line;
  const hang = ' '.repeat(Math.min(columns(lead), Math.floor(width / 2)));

  // Each word is counted once: counting the line so far again per word made long lines quadratic.
  const lines: string[] = [];
  let current = lead + words[0];
  let used = columns(lead) + columns(words[0]!);
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    const join = joins[i]!;
    const wide = columns(word);
    if (used + join.length + wide <= width) {
      current += join + word;
      used += join.length + wide;
    } else {
      lines.push(current);
      current = hang + word;
      used = hang.length + wide;
    }
  }
  lines.push(current);
  return lines.join('\n');
}

/**
 * Whether `wrapLine` leaves the line's UTF-8 size as it is, however it breaks it: a line with no
 * bullet or indent to hang under, no tab, no run of spaces, no space at its end and no wide
 * character only has some of its single spaces turned into line breaks. The size gate then
 * measures a role set's own lines (its "sent to" line names its roles) without wrapping them.
 */
export function wrapKeepsSize(line: string): boolean {
  return !(SIZE_MAY_CHANGE.test(line) || BULLET.test(line) || WIDE.test(line));
}

/** What wrapping removes or adds: an indent, a tab, a run of spaces, a space at the end. */
const SIZE_MAY_CHANGE = /^[ \t]|\t| {2}| $/;

/** East Asian wide and full-width characters: two columns in a fixed-width font. */
export const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\ud840-\ud87f][\udc00-\udfff]/;
/** Punctuation a line may not start with (kinsoku): closing marks, full stops, small kana. */
const NO_START =
  /^[、。，．・：；？！）」』】〕〉》〙〗｝］ー〜ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ%),.:;?!\]}]/u;
/** Punctuation a line may not end with: opening marks. */
const NO_END = /[（「『【〔〈《〘〖｛［([{]$/u;
/**
 * What belongs to the character before it: a combining mark (か and U+3099 are が), a variation
 * selector, a zero-width joiner, and a Hangul vowel or final consonant of a syllable written as
 * its jamo (decomposed text, as macOS writes file names and some PDFs copy out).
 */
const JOINS_BEFORE = /^(?:\p{M}|\u200d|[\u1160-\u11ff\ud7b0-\ud7ff])/u;

/**
 * A word holding wide characters, cut where a line may break: between two characters when either
 * is wide, unless the next one may not start a line or this one may not end one.
 */
function breakWide(word: string): string[] {
  const chars = [...word];
  const parts: string[] = [];
  let part = chars[0]!;
  for (let i = 1; i < chars.length; i++) {
    const before = chars[i - 1]!;
    const next = chars[i]!;
    const breakable =
      (WIDE.test(before) || WIDE.test(next)) &&
      !NO_START.test(next) &&
      !NO_END.test(part) &&
      !JOINS_BEFORE.test(next) &&
      before !== '\u200d';
    if (breakable) {
      parts.push(part);
      part = next;
    } else part += next;
  }
  parts.push(part);
  return parts;
}

/** Columns a fixed-width font gives `text`: code points, not UTF-16 units, wide ones counted twice. */
export function columns(text: string): number {
  let count = text.length;
  if (WIDE.test(text)) for (const char of text) if (WIDE.test(char)) count++;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdbff) continue;
    const next = text.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) {
      count--;
      i++;
    }
  }
  return count;
}
