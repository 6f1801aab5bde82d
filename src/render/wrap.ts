/**
 * Wraps the plain-text part for readers whose mail clients show it as written (RFC 3676 suggests
 * at most 78 columns). Lines break only at spaces, so words, URLs and the per-reader tokens (which
 * contain no spaces) are never split; a word longer than the width gets a line of its own.
 */

export const TEXT_WIDTH = 76;

/** `  * `, `- `, `1. `: continuation lines hang under the text after the marker. */
const BULLET = /^[ \t]*(?:[*\-+•]|\d{1,3}[.)])[ \t]+/u;
const INDENT = /^[ \t]*/;

export function wrapText(text: string, width: number = TEXT_WIDTH): string {
  return text
    .split('\n')
    .map((line) => wrapLine(line, width))
    .join('\n');
}

export function wrapLine(line: string, width: number = TEXT_WIDTH): string {
  if (line.length <= width || columns(line) <= width) return line;
  const marker = BULLET.exec(line)?.[0] ?? INDENT.exec(line)![0];
  const lead = marker.replace(/\t/g, '  ');
  // Only ordinary spaces and tabs separate words: a no-break space keeps its neighbours together.
  const words = line
    .slice(marker.length)
    .split(/[ \t]+/)
    .filter(Boolean);
  if (words.length < 2) return line;
  const hang = ' '.repeat(Math.min(columns(lead), Math.floor(width / 2)));

  // Each word is counted once: counting the line so far again per word made long lines quadratic.
  const lines: string[] = [];
  let current = lead + words[0];
  let used = columns(lead) + columns(words[0]!);
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    const wide = columns(word);
    if (used + 1 + wide <= width) {
      current += ` ${word}`;
      used += 1 + wide;
    } else {
      lines.push(current);
      current = hang + word;
      used = hang.length + wide;
    }
  }
  lines.push(current);
  return lines.join('\n');
}

/** Characters as a reader counts them: code points, not UTF-16 units. */
export function columns(text: string): number {
  let count = text.length;
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
