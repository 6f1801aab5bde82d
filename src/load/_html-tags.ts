/**
 * HTML tags a web page, CMS or note app leaves in text pasted into a text summary, read as what they
 * meant: `<b>`, `<em>`, `<span>` are only marks (dropped), `<br>` a line break (a space, as a wrapped
 * line's), `<p>` a paragraph (a blank line between two), `<li>` a bullet, and `<a href>` its text, or
 * its address on a `Link:` line or when the text is the address. Other tags of a page (`<img>`,
 * `<script>`, `<table>`) are dropped, and the line named. `<https://…>` and an element named in
 * prose without HTML's own tags around it (`the <details> element`) are text.
 * Lines may grow (one `<p>` line into two paragraphs): `origin` maps each line read to its line in
 * the file, so every problem still names the line the editor wrote.
 */

const ANCHOR =
  /<a\s[^<>]{0,500}?\bhref\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s"'<>]+))[^<>]{0,500}>([^<]{0,1000})<\/a\s*>/gi;
const MARK =
  /<\/?(?:b|strong|em|i|u|span|div|font|small|mark|s|strike|del|ins|sup|sub|code|h[1-6])(?:\s[^<>]{0,500})?\/?>/gi;
const LINE_BREAK = /\s*<br\s*\/?>\s*/gi;
const PARAGRAPH = /<\/?p(?:\s[^<>]{0,500})?>/gi;
const LIST_ITEM = /\s*<li(?:\s[^<>]{0,500})?>\s*/gi;
const LIST_END = /<\/(?:li|ul|ol)\s*>|<(?:ul|ol)(?:\s[^<>]{0,500})?>/gi;
/** A page's other tags, dropped with a warning: their content (an image, a script) is nothing a reader should get. */
const OTHER =
  /<\/?(?:img|script|style|table|thead|tbody|tr|td|th|iframe|object|embed|meta|link|hr|section|article|header|footer|figure|figcaption|blockquote|pre|nav|aside|form|input|button|svg)(?:\s[^<>]{0,500})?\/?>/gi;
/** A web or mail address as written in text, up to white space, a quote or a tag. */
const ADDRESS = /((?:https?|mailto):[^\s"'<>]{1,2000})/i;
const OTHER_SPACED = new RegExp(`([ \\t]*)(?:${OTHER.source})([ \\t]*)`, 'gi');
const ANY_HTML =
  /<\/?(?:a|p|br|li|ul|ol)\b|<\/?(?:b|strong|em|i|u|span|div|font|small|mark|s|strike|del|ins|sup|sub|code|h[1-6])\s*\/?>|<\/?(?:b|strong|em|i|u|span|div|font|small|mark|s|strike|del|ins|sup|sub|code|h[1-6])\s[^<>]*>/i;

export interface ReadTags {
  lines: string[];
  /** The file's line index of each line read. */
  origin: number[];
  /** The file's line index and tag of each other tag dropped, once per line. */
  dropped: { index: number; tag: string }[];
}

export function readPastedTags(lines: readonly string[]): ReadTags {
  const read: ReadTags = { lines: [], origin: [], dropped: [] };
  const markup = markupIn(lines.join('\n'));
  for (const [index, line] of lines.entries()) {
    if (!line.includes('<') || !(ANY_HTML.test(line) || OTHER.test(line))) {
      OTHER.lastIndex = 0;
      read.lines.push(line);
      read.origin.push(index);
      continue;
    }
    OTHER.lastIndex = 0;
    const other = line.match(OTHER)?.find(markup);
    if (other !== undefined) read.dropped.push({ index, tag: other.slice(0, 40) });
    const linkLine = /^\s*(?:link|url|read more|article)\s*:/i.test(line);
    const anchored = line.replace(ANCHOR, (_whole, quoted, single, bare, shown: string) => {
      const address = String(quoted ?? single ?? bare ?? '').trim();
      const web = /^(?:https?:|mailto:)/i.test(address);
      return web && (linkLine || shown.trim() === '' || shown.trim() === address) ? address : shown;
    });
    // A Link line's or a bare address's "?a=<b>" is part of the address, as the link reader has it;
    // in text, an address ends at a tag ("https://…</p>").
    const addressOnly = linkLine || /^\s*(?:https?|mailto):\S*$/i.test(anchored);
    const text = addressOnly
      ? anchored
      : anchored
          // A page's tag goes first, addresses in its attributes with it; one dropped between two
          // words leaves one space between them, not two.
          .replace(OTHER_SPACED, (whole: string, before: string, after: string) =>
            !markup(whole.trim()) ? whole : before && after ? ' ' : before + after,
          )
          .split(ADDRESS)
          .map((part, at) => (at % 2 === 1 ? part : untagged(part, markup)))
          .join('');
    const parts = text.split('\n');
    // A paragraph closed at the line's end is a paragraph of its own: a blank line after it.
    if (/<\/p\s*>\s*$/i.test(line) && (lines[index + 1] ?? '').trim() !== '') parts.push('');
    for (const part of parts) {
      read.lines.push(part.trimEnd());
      read.origin.push(index);
    }
  }
  return read;
}

/** Text outside any address with its tags read (see the module's comment). */
function untagged(text: string, markup: (tag: string) => boolean): string {
  return text
    .replace(LIST_ITEM, '\n- ')
    .replace(LIST_END, '\n')
    .replace(/<\/p\s*>\s*<p(?:\s[^<>]{0,500})?>/gi, '\n\n')
    .replace(PARAGRAPH, '')
    .replace(LINE_BREAK, ' ')
    .replace(MARK, (tag) => (markup(tag) ? '' : tag));
}

/** Elements that have no closing tag. */
const VOID = new Set(['br', 'hr', 'img', 'meta', 'link', 'input', 'embed']);

/**
 * Whether a tag in `text` is markup a page left, rather than an element named in prose ("stop using
 * <div> for buttons", "if a<b and c>d"): it has an attribute with a value, is void or self-closed,
 * or its opening or closing counterpart is in the text. Anything else is the editor's text.
 */
function markupIn(text: string): (tag: string) => boolean {
  const lower = text.toLowerCase();
  // Whether an element's counterpart is in the text, searched once per element and direction:
  // searched per tag, a file of 300,000 tags would be read 300,000 times.
  const counterpart = new Map<string, boolean>();
  const hasCounterpart = (closing: boolean, element: string) => {
    const key = `${closing ? '/' : ''}${element}`;
    let found = counterpart.get(key);
    if (found === undefined) {
      found = closing ? new RegExp(`<${element}[\\s/>]`).test(lower) : lower.includes(`</${element}`);
      counterpart.set(key, found);
    }
    return found;
  };
  return (tag) => {
    const parts = /^<(\/?)([a-z][a-z0-9]*)(\s[^<>]*?)?(\/?)>$/i.exec(tag);
    if (!parts) return true;
    const [, closing, name, attributes = '', selfClosed] = parts;
    const element = name!.toLowerCase();
    if (attributes.trim() !== '') return attributes.includes('=');
    if (selfClosed || VOID.has(element)) return true;
    return hasCounterpart(closing === '/', element);
  };
}
