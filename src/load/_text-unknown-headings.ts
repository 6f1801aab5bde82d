import { closestWord } from '../suggest.js';
import { leadsIntoText, previousEndsBlock } from './_text-blocks.js';
import { bulletOf } from './_text-bullets.js';
import type { textFields } from './_text-fields.js';
import { headingTitle, SECTIONS, type SectionKind } from './_text-headings.js';
import { HEADING_LIKE } from './_text-labels.js';
import type { SectionText } from './_text-sections.js';

/**
 * Whether a line is a heading the format does not know: one with a Markdown heading marker
 * (`unmarked` is the line without it), or a short capitalised line where a heading can stand.
 */
export function isUnknownHeading(
  trimmed: string,
  unmarked: string,
  index: number,
  lines: string[],
  nextText: (string | undefined)[],
  kind: SectionKind | undefined,
): boolean {
  return (
    (unmarked !== trimmed && unmarked !== '') ||
    (HEADING_LIKE.test(trimmed) &&
      trimmed.split(/\s+/).length <= 4 &&
      bulletOf(trimmed) === undefined &&
      previousEndsBlock(lines, index, nextText) &&
      nextText[index + 1] !== undefined &&
      !leadsIntoText(trimmed, kind))
  );
}

/**
 * Opens the section an unknown heading was meant to be when it is a misspelling of one not yet
 * given, warning either way; whether the lines under it are ignored.
 */
export function openUnknownHeading(
  written: string,
  lineNo: number,
  fields: ReturnType<typeof textFields>,
  block: SectionText,
): boolean {
  const { at, warn } = fields;
  const meant = closestWord(written, SECTIONS.keys());
  const known = meant === undefined ? undefined : SECTIONS.get(meant);
  if (meant !== undefined && known !== undefined && at[known.field] === undefined) {
    // A misspelt heading ("Key takeway") keeps its content, read as the section it was meant to be.
    warn(lineNo, 'heading', `unknown heading "${written}", read as "${headingTitle(meant)}"`, 'correct its spelling');
    block.section = { ...known, line: lineNo };
    at[known.field] = lineNo;
    return false;
  }
  warn(
    lineNo,
    'heading',
    `unknown heading "${written}"; its content is ignored`,
    meant === undefined
      ? 'use one of: Summary, Key takeaway, Key insights, Principles, In practice, Topics'
      : `did you mean "${headingTitle(meant)}"? (that section already appears above)`,
  );
  return true;
}
