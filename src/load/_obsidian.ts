/**
 * Obsidian's own marks in a Markdown body, as Obsidian shows them: a wikilink `[[Data Mesh]]` is
 * its page's name and `[[Data Mesh|mesh thinking]]` its text after the bar; a callout's type
 * `> [!summary]` (with `+` or `-` for a folding one) is not shown, its title and text are.
 */

const WIKILINK = /\[\[([^[\]|\n]{1,200})(?:\|([^[\]|\n]{1,200}))?\]\]/y;
const CALLOUT = /\[![A-Za-z][A-Za-z0-9-]{0,30}\][+-]? */y;
const WORD_BEFORE = /[\p{L}\p{N}_]/u;

/** The wikilink starting at `at`, with the text a reader sees; none right after a word (`m[[i]]`). */
export function wikilinkAt(text: string, at: number): { shown: string; end: number } | undefined {
  if (at > 0 && WORD_BEFORE.test(text[at - 1]!)) return undefined;
  WIKILINK.lastIndex = at;
  const found = WIKILINK.exec(text);
  if (!found) return undefined;
  const shown = (found[2] ?? found[1]!).trim();
  return shown === '' ? undefined : { shown, end: WIKILINK.lastIndex };
}

/** Where a callout's type ends, when one starts at `at` (just after a blockquote's `>`). */
export function calloutTypeEnd(text: string, at: number): number | undefined {
  CALLOUT.lastIndex = at;
  return CALLOUT.exec(text) ? CALLOUT.lastIndex : undefined;
}
