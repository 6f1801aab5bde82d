import { decodeCharacterReferences } from '../character-references.js';
import type { Problem } from '../errors.js';
import { readPastedTags } from './_html-tags.js';
import { type ParsedText, parseSummaryText, splitLines } from './text.js';

/**
 * Tags a web page, RSS feed or CMS export leaves in pasted text; readers would see them as written.
 * `<https://…>` (a link in brackets) and `<details>` named in prose are not among them.
 */
const PASTED_TAG =
  /<\/?(?:p|br|div|span|strong|em|b|i|u|ul|ol|li|h[1-6]|blockquote)(?:\s[^<>]{0,200})?\/?>|<a\s[^<>]{0,500}\bhref\b/i;

/**
 * A text summary read as the editor meant it when it was pasted from a web page: HTML tags are read
 * as what they meant (see `_html-tags.ts`), character references (`R&amp;D`, `&#8212;`, a link's
 * `?a=1&amp;b=2`) as their characters, with a warning where a link held one, and tags written as
 * references (`&lt;p&gt;`), which readers would see, are warned about once, on the first line that
 * holds one. Every problem names the file's own line.
 */
export function parsePastedText(text: string, file: string): ParsedText {
  const tags = PASTED_TAG.test(text) || /<\/?[a-z]/i.test(text) ? readPastedTags(splitLines(text)) : undefined;
  const untagged = tags === undefined ? text : tags.lines.join('\n');
  const decoded = decodeCharacterReferences(untagged);
  const parsed = parseSummaryText(decoded, file);
  if (decoded !== untagged || PASTED_TAG.test(decoded)) {
    const written = splitLines(untagged);
    const read = splitLines(decoded);
    // Without a Link line, a source written with its address ("Source: Example Weekly (https://…)")
    // gives the link: its line is checked as the link's.
    const urlLine = parsed.raw.url === undefined ? parsed.lines.source : parsed.lines.url;
    const address =
      urlLine === undefined ? undefined : read[urlLine - 1]!.match(/(?:https?|mailto):[^\s<>()"']+/i)?.[0];
    if (urlLine !== undefined && address !== undefined && written[urlLine - 1] !== read[urlLine - 1])
      parsed.problems.push(linkDecoded(file, urlLine, firstReference(written[urlLine - 1]!), address));
    const tagged = read.findIndex((line) => PASTED_TAG.test(line));
    if (tagged >= 0)
      parsed.problems.push(htmlLeftIn(file, tagged + 1, read[tagged]!.match(PASTED_TAG)![0].slice(0, 40)));
  }
  if (tags === undefined) return parsed;
  // Lines read from the tags are numbered as the file's lines they came from.
  const fileLine = (line: number) => (tags.origin[line - 1] ?? line - 1) + 1;
  for (const problem of parsed.problems) if (problem.line !== undefined) problem.line = fileLine(problem.line);
  for (const field of Object.keys(parsed.lines)) parsed.lines[field] = fileLine(parsed.lines[field]!);
  if (parsed.missingLine !== undefined) parsed.missingLine = fileLine(parsed.missingLine);
  if (parsed.bestForWithoutColon !== undefined)
    parsed.bestForWithoutColon = { ...parsed.bestForWithoutColon, line: fileLine(parsed.bestForWithoutColon.line) };
  for (const { index, tag } of tags.dropped) parsed.problems.push(tagDropped(file, index + 1, tag));
  return parsed;
}

/** The first reference in `line` that is read as a character. */
export function firstReference(line: string): string {
  for (const found of line.matchAll(/&[#A-Za-z][A-Za-z0-9]{0,31};/g))
    if (decodeCharacterReferences(found[0]) !== found[0]) return found[0];
  return '&amp;';
}

export function linkDecoded(file: string, line: number, reference: string, url: string): Problem {
  return {
    severity: 'warning',
    file,
    line,
    field: 'url',
    message: `the link is written with HTML character references ("${reference}"); it is read as ${url}`,
    hint: `write the address as a browser shows it ("${decodeCharacterReferences(reference)}" for "${reference}"), so every tool reads it the same`,
  };
}

function htmlLeftIn(file: string, line: number, tag: string): Problem {
  return {
    severity: 'warning',
    file,
    line,
    field: 'file',
    message: `holds HTML tags ("${tag}"), pasted from a web page or CMS: readers see them as written`,
    hint: 'write it as text: a blank line between paragraphs, "- " before each bullet, and no tags',
  };
}

function tagDropped(file: string, line: number, tag: string): Problem {
  return {
    severity: 'warning',
    file,
    line,
    field: 'file',
    message: `holds an HTML tag ("${tag}") pasted from a web page; it is left out`,
    hint: 'write it as text: readers get no images, tables or scripts from a summary',
  };
}

/** A link written with character references (`?a=1&amp;b=2`) is read decoded, and the editor told, as in a text summary. */
export function decodedLinkWarnings(
  decoded: readonly string[],
  written: string | undefined,
  raw: Record<string, unknown>,
  line: number,
  file: string,
): Problem[] {
  if (!decoded.includes('url') || written === undefined || typeof raw.url !== 'string') return [];
  return [linkDecoded(file, line, firstReference(written), raw.url)];
}
