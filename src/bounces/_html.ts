import { decodeCharacterReferences } from '../character-references.js';

/**
 * The text of a notice sent as HTML alone, as a mail client shows it: tags dropped, a line break
 * for `<br>` and at the edge of each paragraph, block, list item or table row (one where two
 * meet), a tab between a row's cells,
 * `<pre>` kept as written (Office 365 quotes the original's headers there, folded lines and all),
 * and so is an element styled `white-space: pre`, `pre-wrap` or `pre-line` (a forward's way of
 * writing the same lines),
 * entities decoded, styles, scripts and comments left out. One pass with `indexOf`: linear however
 * the markup is broken (an unclosed tag, comment or style ends the text).
 */
export function htmlText(html: string): string {
  const out: string[] = [];
  let pre = 0;
  // Elements styled to keep their line ends, innermost last, with how deep each is nested in itself.
  const styled: { name: string; depth: number }[] = [];
  let at = 0;
  while (at < html.length) {
    const open = html.indexOf('<', at);
    const end = open < 0 ? html.length : open;
    if (end > at) addText(out, decodedText(html.slice(at, end)), pre > 0 || styled.length > 0);
    if (open < 0) break;
    if (html.startsWith('<!--', open)) {
      at = skipPast(html, /-->/g, open + 4);
      continue;
    }
    const close = html.indexOf('>', open + 1);
    if (close < 0) break;
    at = close + 1;
    const tag = /^<(\/?)([A-Za-z][A-Za-z0-9]{0,15})/.exec(html.slice(open, open + 18));
    if (!tag) continue;
    const closing = tag[1] === '/';
    const name = tag[2]!.toLowerCase();
    trackStyled(styled, name, closing, html.slice(open, close));
    if (!closing && SKIPPED.has(name)) at = skipPast(html, new RegExp(`</${name}`, 'gi'), at);
    else if (name === 'pre') {
      pre = Math.max(0, pre + (closing ? -1 : 1));
      blockEdge(out);
    } else if (name === 'br') newLine(out);
    else if (BLOCKS.has(name)) blockEdge(out);
    // Between a row's cells: a tab opening a line would read as the line before it folded.
    else if ((name === 'td' || name === 'th') && !closing && !atLineStart(out)) out.push('\t');
  }
  return out.join('');
}

/** Follows the elements whose style keeps line ends: one opens on its tag, and closes on its own end tag. */
function trackStyled(styled: { name: string; depth: number }[], name: string, closing: boolean, tag: string): void {
  const top = styled[styled.length - 1];
  if (closing) {
    if (top?.name === name && --top.depth === 0) styled.pop();
  } else if (VOID.has(name)) return;
  else if (/white-space\s*:\s*pre/i.test(tag)) styled.push({ name, depth: 1 });
  else if (top?.name === name) top.depth++;
}

/** Elements with no end tag: opening one never nests. */
const VOID = new Set(['br', 'hr', 'img', 'meta', 'link', 'input', 'col', 'area', 'base', 'wbr']);

const SKIPPED = new Set(['head', 'style', 'script', 'title']);
const BLOCKS = new Set([
  'p',
  'div',
  'tr',
  'table',
  'li',
  'ul',
  'ol',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'body',
]);

/** Where the text goes on after the `>` that ends `marker` (searched from `from`); the end when there is none. */
function skipPast(html: string, marker: RegExp, from: number): number {
  marker.lastIndex = from;
  const found = marker.exec(html);
  if (!found) return html.length;
  const close = html.indexOf('>', found.index + found[0].length - 1);
  return close < 0 ? html.length : close + 1;
}

/** Outside `<pre>`, a run of blanks and line ends is one space, and none starts or ends a line. */
function addText(out: string[], text: string, keep: boolean): void {
  if (keep) {
    out.push(text);
    return;
  }
  const collapsed = text.replace(/[ \t\r\n\f\u00a0]+/g, ' ');
  const last = out[out.length - 1];
  const kept = last === undefined || last.endsWith('\n') || last === '\t' ? collapsed.trimStart() : collapsed;
  // Blanks between two blocks are no text: kept, they would make the second's edge a blank line.
  if (kept !== '') out.push(kept);
}

/**
 * A block's edge ends the line it is on, as a mail client shows it: the end of one block and the
 * start of the next make one line break, not a blank line (headers quoted one to a `<div>` or
 * `<p>`, as a forward or a help desk tool writes them, would end at the first).
 */
function blockEdge(out: string[]): void {
  if (!atLineStart(out)) newLine(out);
}

function atLineStart(out: string[]): boolean {
  const last = out[out.length - 1];
  return last === undefined || last.endsWith('\n');
}

function newLine(out: string[]): void {
  const last = out.length - 1;
  if (last >= 0) out[last] = withoutTrailingBlanks(out[last]!);
  out.push('\n');
}

/**
 * A line's text without the blanks at its end, found by stepping back from the end: a pattern for
 * them would try every blank of a long run inside `<pre>` as a start, the square of its length.
 */
function withoutTrailingBlanks(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return end === text.length ? text : text.slice(0, end);
}

/**
 * Text between tags with its character references read; a no-break space is a space, so a quoted
 * header or a marker line written with `&nbsp;` inside `<pre>` reads as the plain text's does.
 */
function decodedText(text: string): string {
  return decodeCharacterReferences(text).replaceAll('\u00a0', ' ');
}
