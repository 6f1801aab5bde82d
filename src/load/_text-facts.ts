import { headingOf, SECTIONS } from './_text-headings.js';
import { bestForOf, givesLink, linkOf, publishedByOf, sourceLineOf } from './_text-labels.js';
import { nextNonBlankText } from './_text-lines.js';

/**
 * What the whole of a summary's lines tells about each of them, each worked out once when first
 * asked (a pass per line would make a long file quadratic).
 */
export function textFacts(
  lines: string[],
  options: { hasTitle: boolean; literal?: ReadonlySet<number>; rolesAbove?: boolean; linkAbove?: boolean },
) {
  const hasTitle = options.hasTitle;
  const nextText = nextNonBlankText(lines);
  // Whether a "Link:" line names the article: then "Source: <URL>" names the publisher, not it.
  let linkLine: boolean | undefined;
  // Whether a "Source:" or "Original article published by" line names the source anywhere.
  let sourceLine: boolean | undefined;
  const hasSourceLine = () =>
    (sourceLine ??= lines.some((line) => {
      const trimmed = line.trim();
      return publishedByOf(trimmed) !== undefined || sourceLineOf(trimmed) !== undefined;
    }));
  const hasLinkLine = () => (linkLine ??= lines.some((line) => linkOf(line.trim()) !== undefined));
  // The lines giving the roles ("Best for:", "Audience：…"), and whether another line or the frontmatter does.
  let rolesLines: number[] | undefined;
  const rolesElsewhere = (index: number) => {
    if (options.rolesAbove) return true;
    rolesLines ??= lines.flatMap((line, at) => (bestForOf(line.trim()) !== undefined ? [at] : []));
    return rolesLines.some((at) => at !== index);
  };
  // The lines giving the article's link in a way of their own (a link label, a bare address, "Source: https://…").
  let linkLines: number[] | undefined;
  /** Whether a line other than `index` gives the link: then an address noted on a closing line is not it. */
  const linkElsewhere = (index: number) => {
    if (options.linkAbove) return true;
    linkLines ??= lines.flatMap((line, at) => (givesLink(line.trim()) ? [at] : []));
    return linkLines.some((at) => at !== index);
  };
  // Whether a heading names the summary: without one, a Markdown body's first text is it.
  const namesSummary =
    !hasTitle &&
    lines.some(
      (line, index) =>
        !options.literal?.has(index) && SECTIONS.get(headingOf(line.trim())?.name ?? '')?.field === 'summary',
    );
  return { nextText, hasSourceLine, hasLinkLine, rolesElsewhere, linkElsewhere, namesSummary };
}
