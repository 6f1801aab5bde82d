import { isSentence } from './_text-bullets.js';
import { closingSourceOf } from './_text-closing.js';
import { DASH_HEADING_NAMES, headingOf, SECTIONS } from './_text-headings.js';
import {
  BEST_FOR_LABELS,
  bestForOf,
  isBareUrl,
  LINK_LABELS,
  linkOf,
  publishedByOf,
  sourceLineOf,
} from './_text-labels.js';

/** "**Key takeaway**", "**Key takeaway:**": a line that is one bold span. */
export const BOLD_LINE = /^\*\*([^*:]{1,60})(:?)\*\*(:?)$/;
/** "**Best for:** CTO", "**Best for**: CTO": a bold label and its text. */
export const BOLD_LABEL = /^\*\*([^*:]{1,64})(?::\*\*|\*\*:)(?=\s|$)(.*)$/;
export const BOLD_LABELS = new Set([...BEST_FOR_LABELS, ...LINK_LABELS, 'source']);

/**
 * Bold headings and labels, as chat tools and rich-text exports write them, without their marks;
 * anything else bold stays as written. A whole-bold line is unmarked only when it is a section's own
 * name (Summary, Key takeaway, Key insights, Principles, In practice, Topics) that the file heads
 * nowhere else, in bold or not ("**Important**", "**Insights**" stay text); a bold label only when
 * it is "Best for" (or Audience, Roles), a link label or "Source", and its text is not a sentence
 * ("**Roles**: matter more than titles, she says." stays; "**Date:** …" always does).
 */
export function unboldedLines(lines: string[], literal: ReadonlySet<number> | undefined): string[] {
  if (!lines.some((line) => line.includes('**'))) return lines;
  const named = (text: string) => {
    const heading = headingOf(text);
    return heading === undefined ? undefined : SECTIONS.get(heading.name)?.field;
  };
  // How many lines head each section, and give the roles, the source or the link, bold or not: a
  // bold one is unmarked only when it is the file's one line of its kind (a "**Source:** …" quoted
  // in a summary with an attribution below stays text, not a second source).
  const heads = new Map<string, number>();
  const kinds = new Map<string, number>();
  for (const line of lines) {
    const trimmed = line.trim();
    const bold = BOLD_LINE.exec(trimmed);
    const label = BOLD_LABEL.exec(trimmed);
    const field = named(bold ? bold[1]! : label ? `${label[1]!.trim()}: ${label[2]!.trim()}` : trimmed);
    if (field !== undefined) heads.set(field, (heads.get(field) ?? 0) + 1);
    const kind = kindOf(label ? `${label[1]!.trim()}: ${label[2]!.trim()}` : trimmed);
    if (kind !== undefined) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return lines.map((line, index) => {
    if (literal?.has(index) || !line.includes('**')) return line;
    const trimmed = line.trim();
    const bold = BOLD_LINE.exec(trimmed);
    if (bold) {
      const name = bold[1]!.trim().toLowerCase().replace(/\s+/g, ' ');
      const field = DASH_HEADING_NAMES.has(name) ? SECTIONS.get(name)?.field : undefined;
      return field !== undefined && heads.get(field) === 1 ? `${bold[1]!.trim()}${bold[2] || bold[3]}` : line;
    }
    const label = BOLD_LABEL.exec(trimmed);
    if (label) {
      const name = label[1]!.trim().toLowerCase().replace(/\s+/g, ' ');
      const rest = label[2]!.trim();
      const unbolded = `${label[1]!.trim()}: ${rest}`.trimEnd();
      // "**Summary:** Teams drown in alerts.", as chat tools write a heading and its text.
      const field = DASH_HEADING_NAMES.has(name) ? SECTIONS.get(name)?.field : undefined;
      if (field !== undefined && heads.get(field) === 1) return unbolded;
      const kind = kindOf(unbolded);
      if (
        BOLD_LABELS.has(name) &&
        kind !== undefined &&
        kinds.get(kind) === 1 &&
        !isSentence(rest) &&
        !/[.!?]$/.test(rest.split(/\s+/).length >= 4 ? rest : '')
      )
        return unbolded;
    }
    return line;
  });
}

/** What a label line gives: the roles, the source or the link; one a file may have once. */
export function kindOf(trimmed: string): string | undefined {
  if (bestForOf(trimmed) !== undefined) return 'roles';
  // A closing "Via …" or "— Name" line counts too: a bold "**Source:**" quoted above it stays text.
  if (publishedByOf(trimmed) !== undefined || sourceLineOf(trimmed) !== undefined) return 'source';
  if (closingSourceOf(trimmed, trimmed) !== undefined) return 'source';
  if (linkOf(trimmed) !== undefined || isBareUrl(trimmed)) return 'url';
  return undefined;
}
