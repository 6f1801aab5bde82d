import { notePropertyOf } from './_note-properties.js';
import { articleAddressOnly } from './_source-address.js';
import { isSentence } from './_text-bullets.js';
import { longDateOf } from './_text-closing.js';
import type { textFields } from './_text-fields.js';
import {
  ABBREVIATION,
  isRelatedLine,
  labelled,
  linkOf,
  POOL_FIELD,
  publishedByOf,
  sourceLineOf,
  spacedLinkOf,
} from './_text-labels.js';

/**
 * A line that gives one of the summary's fields by its label (the link, the date, a pool field,
 * the source) or is left out as a label line ("Related on …", a note app's own property): taken,
 * after `flush` closes the section above, and whether it was one. A line that goes on a
 * hard-wrapped sentence is never asked about: it is text.
 */
export function readFieldLine(
  trimmed: string,
  lineNo: number,
  fields: ReturnType<typeof textFields>,
  context: { file: string; flush: () => void; inParagraph: boolean; hasLinkLine: () => boolean },
): boolean {
  const { raw, at, problems, warn, repeated, takeUrl, takeSource } = fields;
  const { file, flush, inParagraph, hasLinkLine } = context;
  const link = linkOf(trimmed);
  if (link !== undefined) {
    flush();
    takeUrl(link, lineNo);
    return true;
  }
  // Read as text, it would run into the section above and the summary would lose its link.
  const spaced = spacedLinkOf(trimmed);
  if (spaced !== undefined) {
    flush();
    problems.push({
      severity: 'error',
      file,
      line: lineNo,
      field: 'url',
      message: `holds a space: "${spaced.slice(0, 60)}"`,
      hint: 'write a space inside a link as %20, and any words after the link on a line of their own',
    });
    return true;
  }

  // A note app's own record of the note ("Created: November 30, 2026 9:12 AM" under Notion's
  // "Tags:"): not the summary's, and never a topic or a line of its text.
  const noteProperty = notePropertyOf(trimmed);
  if (noteProperty !== undefined) {
    flush();
    warn(
      lineNo,
      'text',
      `the note's "${noteProperty}" line is left out`,
      'delete it; a summary’s own date is written Date: YYYY-MM-DD',
    );
    return true;
  }

  const writtenDate = longDateOf(trimmed);
  if (writtenDate !== undefined) {
    flush();
    if (writtenDate === null) {
      warn(lineNo, 'date', `could not read the date "${labelled(trimmed)!.rest}"`, 'write it as Date: YYYY-MM-DD');
      return true;
    }
    if (repeated('date', lineNo, '"date:" line', writtenDate)) return true;
    raw.date = writtenDate;
    at.date = lineNo;
    return true;
  }

  const poolField = POOL_FIELD.exec(trimmed);
  if (poolField) {
    flush();
    const field = (poolField[1] ?? '').toLowerCase();
    const value = field === 'status' ? (poolField[2] ?? '').toLowerCase() : poolField[2];
    if (repeated(field, lineNo, `"${field}:" line`, value)) return true;
    raw[field] = value;
    at[field] = lineNo;
    return true;
  }

  let source = publishedByOf(trimmed) ?? sourceLineOf(trimmed);
  // "Source: the authors' own survey, run in March." inside a summary is one of its sentences.
  if (source !== undefined && inParagraph && isSentence(source)) source = undefined;
  // "Source: https://…" (or "<https://…>") names the article's address: it is the link, when the summary has
  // none. A site's front page is the publication's: it stays the source, and the summary is warned about it.
  const sourceAddress = source === undefined ? undefined : articleAddressOnly(source);
  const sourceUrl = sourceAddress !== undefined && !hasLinkLine() ? sourceAddress : undefined;
  if (sourceUrl !== undefined && at.url === undefined) {
    flush();
    takeUrl(sourceUrl, lineNo);
    return true;
  }
  if (source !== undefined) {
    flush();
    takeSource(trimmed, ABBREVIATION.test(source) ? source.trim() : source.replace(/\.$/, '').trim(), lineNo);
    return true;
  }

  if (isRelatedLine(trimmed)) {
    flush();
    return true;
  }
  return false;
}
