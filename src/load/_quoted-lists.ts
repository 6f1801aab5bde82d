/**
 * A quote's own structure, read as it is outside a quote: "> - Keep warm." is a list item and ">"
 * alone the blank line between a quote's paragraphs. Left to the text, the quote's marks came off
 * its lines and its items ran on in one paragraph, each with its marker ("Why: - Keep warm. -
 * Drain cold pools.").
 */

/** One or more `>` opening a line, each maybe followed by a space. */
const QUOTE_MARKS = /^ {0,3}(?:>[ \t]?)+/;
/** A list item's marker, as the text reads a list. */
const ITEM_MARKER = /^(?:[-*+•]|\d{1,9}[.)])[ \t]+\S/;

/** `line` without its quote marks when what it quotes is a list item or nothing; else undefined. */
export function unquotedListLine(line: string): string | undefined {
  const marks = QUOTE_MARKS.exec(line);
  if (!marks) return undefined;
  const quoted = line.slice(marks[0].length);
  if (quoted.trim() === '') return '';
  const indented = quoted.trimStart();
  return ITEM_MARKER.test(indented) ? quoted : undefined;
}
