import type { Problem } from '../errors.js';
import type { Summary } from '../model/summary.js';
import { ownLine } from './_field-lines.js';

/**
 * A page's markup: the tags a CMS or web page leaves (`<b>`, `<p>`, `<a href=…>`), a tag with an
 * attribute (`<img src=…>`), or the end of an element no prose names (`</script>`). An element
 * named in prose (`the <details> element`) is none of them. An attribute's `=` is the first after the
 * tag's name, so a field of `<x ===…` without its `>` is tried once per `<`, not once per `=`.
 */
const MARKUP =
  /<\/?(?:p|br|div|span|strong|em|b|i|u|ul|ol|li|h[1-6]|blockquote)\s*\/?>|<[a-z][a-z0-9-]*\s[^<>=]{0,500}=[^<>]{0,500}>|<\/(?:script|style|iframe|table|svg|object|form|button|select)\s*>/i;

const SHOWN = [
  'title',
  'summary',
  'takeaway',
  'insights',
  'principles',
  'practice',
  'topics',
  'source',
  'attribution',
] as const;

/**
 * A JSON or Markdown summary is read as written, tags and all (a text summary's tags are read as
 * what they meant): a field holding a page's markup is shown to readers with its tags, so it is
 * named, once per field.
 */
export function tagsLeftIn(summary: Summary, lines: Record<string, number>, file: string): Problem[] {
  const problems: Problem[] = [];
  for (const field of SHOWN) {
    const value = summary[field];
    const texts = Array.isArray(value) ? value : value === undefined ? [] : [value];
    const tag = texts.map((text) => MARKUP.exec(text)?.[0]).find((found) => found !== undefined);
    if (tag === undefined) continue;
    problems.push({
      severity: 'warning',
      file,
      line: ownLine(lines, field) ?? 1,
      field,
      message: `holds HTML tags ("${tag.slice(0, 40)}"), which readers see as written`,
      hint: 'write it as text without tags: readers get no markup from a summary',
    });
  }
  return problems;
}
