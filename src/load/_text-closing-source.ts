import { previousEndsBlock } from './_text-blocks.js';
import { ATTRIBUTION_WORDS, closingSourceOf, NOTED_URL } from './_text-closing.js';
import type { textFields } from './_text-fields.js';
import { HEADING_LIKE } from './_text-labels.js';

/**
 * A line below "Best for:" and outside any section that ends a summary: "Via Publication",
 * "— Name, Publication", "Originally published by Publication". Never above it (a title's
 * subtitle, a quote: the caller does not ask), and never over a source another line names: then it
 * gives way, read (and warned about) as any other line there. Undefined when the line is not one;
 * otherwise it was read, and `ignoring` says whether the lines under it are left out.
 */
export function readClosingSource(
  trimmed: string,
  line: string,
  index: number,
  lineNo: number,
  fields: ReturnType<typeof textFields>,
  facts: {
    lines: string[];
    nextText: (string | undefined)[];
    hasSourceLine: () => boolean;
    linkElsewhere: (index: number) => boolean;
  },
): { ignoring?: boolean } | undefined {
  const { raw, at, warn, takeUrl, takeSource } = fields;
  const { lines, nextText, hasSourceLine, linkElsewhere } = facts;
  const closingSource = closingSourceOf(trimmed, line);
  if (closingSource === undefined) return undefined;
  if (raw.source === undefined && !hasSourceLine()) {
    takeSource(trimmed, closingSource, lineNo);
    // "Via Example Weekly (https://…)": the address in the note is the article's, when no line gives one.
    // Not "— Jane Doe (https://…)": a name alone notes the person's own page, not the article.
    const personOnly = /^[—–]/.test(trimmed) && !closingSource.includes(',');
    const noted = personOnly ? undefined : NOTED_URL.exec(trimmed)?.[1];
    if (noted !== undefined && at.url === undefined && !linkElsewhere(index)) takeUrl(noted, lineNo);
    return {};
  }
  // Giving way, it says so where it would have been warned about anyway (as text outside any
  // section or an unknown heading), rather than taken in silently as the attribution.
  if (!ATTRIBUTION_WORDS.test(trimmed) && (!trimmed.startsWith('—') ? /^Via\s/.test(trimmed) : true)) {
    warn(
      lineNo,
      'source',
      `"${trimmed.slice(0, 60)}" is not read as the source: another line names it`,
      'keep one line naming the source',
    );
    // What follows is ignored as it was when this line was an unknown heading.
    return {
      ignoring:
        HEADING_LIKE.test(trimmed) &&
        trimmed.split(/\s+/).length <= 4 &&
        previousEndsBlock(lines, index, nextText) &&
        nextText[index + 1] !== undefined,
    };
  }
  return undefined;
}
