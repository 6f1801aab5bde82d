/**
 * A section heading written inside a blockquote, as note apps and chat tools export one:
 * `> **Summary**: …`, `> **Key takeaway**`, or an Obsidian callout's title, `> [!summary] Summary`
 * (`> [!summary]` alone is titled "Summary" in Obsidian). Read as quoted text, the heading's word
 * reached readers in front of the section's text; read here, it is the heading it shows as.
 */
import { isSectionHeading } from './_text-headings.js';

/** A blockquote line, maybe a callout's first line: its callout type and the text after them. */
const QUOTED = /^ {0,3}>[ \t]?(?:\[!([A-Za-z][A-Za-z0-9-]{0,30})\][+-]?)?[ \t]*(.{0,2000})$/;
const QUOTE = /^ {0,3}>/;
/** The callout types Obsidian titles "Summary" when no title is written. */
const SUMMARY_CALLOUTS = new Set(['summary', 'abstract', 'tldr']);

/**
 * The heading line a blockquote's first line stands for (its `>` and callout type left out), or
 * undefined when it opens a quotation like any other: only a quote's first line is read so.
 */
export function quotedHeading(
  line: string,
  above: string | undefined,
  below: string | undefined,
  lead?: string,
): string | undefined {
  if (above !== undefined && QUOTE.test(above)) return undefined;
  const found = QUOTED.exec(line);
  if (!found) return undefined;
  const type = found[1]?.toLowerCase();
  const text = found[2]!.trim();
  // A callout titled by its type alone heads the text quoted under it; an empty one heads nothing.
  if (text === '')
    return type !== undefined && SUMMARY_CALLOUTS.has(type) && /^ {0,3}>[ \t]*\S/.test(below ?? '')
      ? 'Summary'
      : undefined;
  if (!isSectionHeading(text)) return undefined;
  // "> Summary" alone, over no quoted text and with none after a colon, under text that leads into
  // it ("…one word on its cover page:") quotes the word: read as a heading, it opened an empty
  // section and took the text around it out of its own. Under anything else it is the heading a
  // note app writes ("> **Key takeaway**" over its paragraph).
  if (type === undefined && !/[:：][ \t]*\S/.test(text) && !QUOTE.test(below ?? '') && /[:：]\s*$/.test(lead ?? ''))
    return undefined;
  return text;
}
