import type { Problem } from '../errors.js';
import { decodeCharacterReferences } from './_character-references.js';
import { type ParsedText, parseSummaryText, splitLines } from './text.js';

/**
 * Tags a web page, RSS feed or CMS export leaves in pasted text; readers would see them as written.
 * `<https://…>` (a link in brackets) and `<details>` named in prose are not among them.
 */
const PASTED_TAG =
  /<\/?(?:p|br|div|span|strong|em|b|i|u|ul|ol|li|h[1-6]|blockquote)(?:\s[^<>]{0,200})?\/?>|<a\s[^<>]{0,500}\bhref\b/i;

/**
 * A text summary read as the editor meant it when it was pasted from a web page: character
 * references (`R&amp;D`, `&#8212;`, a link's `?a=1&amp;b=2`) are read as their characters, with a
 * warning where a link held one, and HTML tags left in the text are warned about, once, on the first
 * line that holds one.
 */
export function parsePastedText(text: string, file: string): ParsedText {
  const decoded = decodeCharacterReferences(text);
  const parsed = parseSummaryText(decoded, file);
  if (decoded === text && !PASTED_TAG.test(text)) return parsed;
  const written = splitLines(text);
  const read = splitLines(decoded);
  // Without a Link line, a source written with its address ("Source: Example Weekly (https://…)")
  // gives the link: its line is checked as the link's.
  const urlLine = parsed.raw.url === undefined ? parsed.lines.source : parsed.lines.url;
  const address = urlLine === undefined ? undefined : read[urlLine - 1]!.match(/(?:https?|mailto):[^\s<>()]+/i)?.[0];
  if (urlLine !== undefined && address !== undefined && written[urlLine - 1] !== read[urlLine - 1])
    parsed.problems.push(linkDecoded(file, urlLine, firstReference(written[urlLine - 1]!), address));
  const tagged = read.findIndex((line) => PASTED_TAG.test(line));
  if (tagged >= 0) parsed.problems.push(htmlLeftIn(file, tagged + 1, read[tagged]!.match(PASTED_TAG)![0].slice(0, 40)));
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
