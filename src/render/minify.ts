/**
 * A conservative HTML minifier for compiled MJML: collapses white space and drops it around
 * block and table tags, where it never renders. Text inside paragraphs keeps single spaces, and
 * the placeholder tokens (letters, digits, underscores) pass through untouched. MJML's own
 * `minify` needs cssnano, which does not run on Node 20.
 *
 * White space means ASCII's: space, tab, LF, VT, FF and CR (HTML's, plus the vertical tab word
 * processors use for a soft line break). JavaScript's `\s` and `trim` also take no-break spaces
 * (U+00A0, U+202F), U+3000 and the like, which an editor writes on purpose ("10 km", "« mot »")
 * and which must reach the reader as written.
 */

const BLOCK_TAGS =
  'html|head|body|meta|title|style|link|table|thead|tbody|tfoot|tr|td|th|div|p|h[1-6]|ul|ol|li|center|br|hr|img|o:[a-z]+|v:[a-z]+|xml';
// Runs after white space is collapsed, so any white space is one plain space: matching ' ?' rather
// than '\s*' lets the expression reject most positions at once.
const AROUND_BLOCK = new RegExp(` ?(</?(?:${BLOCK_TAGS})(?: [^>]*)?/?>) ?`, 'gi');

const BLOCK_TAG = new RegExp(`^</?(?:${BLOCK_TAGS})(?:[ /][^>]*)?>$`, 'i');

/**
 * Whether minified HTML starts (or ends) with a whole block-level tag: white space next to one is
 * dropped, so two minified pieces that meet at such a tag join as their minified whole would.
 */
export function blockEdge(html: string, at: 'start' | 'end'): boolean {
  if (at === 'start') {
    if (!html.startsWith('<')) return false;
    const end = html.indexOf('>');
    return end > 0 && BLOCK_TAG.test(html.slice(0, end + 1));
  }
  if (!html.endsWith('>')) return false;
  const start = html.lastIndexOf('<');
  return start >= 0 && BLOCK_TAG.test(html.slice(start));
}

export function minifyHtml(html: string): string {
  return trimSpace(collapse(html));
}

/**
 * `minifyHtml` with whether white space stood at either end (dropped by it): what decides how the
 * piece joins its neighbours (see `blockEdge`).
 */
export function minifyPiece(html: string): { html: string; spaceBefore: boolean; spaceAfter: boolean } {
  const out = collapse(html);
  return { html: trimSpace(out), spaceBefore: out.startsWith(' '), spaceAfter: out.endsWith(' ') };
}

/** Each run of white space (see above) as one plain space. */
export function collapseSpace(text: string): string {
  return text.replace(/[ \t\n\v\f\r]+/g, ' ');
}

/** Whether `text` holds white space the minifier would change that is not a plain space. */
export function hasOtherSpace(text: string): boolean {
  return /[\t\n\v\f\r]/.test(text);
}

/** After `collapse` white space is one plain space at most at either end (a kept <pre> starts with its tag). */
export function trimSpace(html: string): string {
  const from = html.startsWith(' ') ? 1 : 0;
  const to = html.length > from && html.endsWith(' ') ? html.length - 1 : html.length;
  return from === 0 && to === html.length ? html : html.slice(from, to);
}

function collapse(html: string): string {
  const kept: string[] = [];
  // <pre>/<textarea> keep their white space; set them aside first.
  const shielded = html.replace(/<(pre|textarea)\b[\s\S]*?<\/\1>/gi, (match) => {
    kept.push(match);
    return `\u0000${kept.length - 1}\u0000`;
  });
  const out = shielded
    // Plain comments go; Outlook's conditional comments (<!--[if mso]>, <!-->, <!--<![endif]-->) stay.
    .replace(/<!--(?!\[if)(?!<!)(?!>)[\s\S]*?-->/g, '')
    .replace(
      /<style([^>]*)>([\s\S]*?)<\/style>/gi,
      (_, attrs: string, css: string) => `<style${attrs}>${minifyCss(css)}</style>`,
    )
    // Every run of white space becomes one space: a lone space is already one, so only longer runs
    // and other white space characters are matched (far fewer replacements).
    .replace(/[ \t\n\v\f\r]{2,}|[\t\n\v\f\r]/g, ' ')
    .replace(AROUND_BLOCK, '$1')
    .replace(/> <!/g, '><!');
  return kept.length ? out.replace(/\u0000(\d+)\u0000/g, (_, index: string) => kept[Number(index)]!) : out;
}

function minifyCss(css: string): string {
  return trimSpace(
    collapseSpace(css.replace(/\/\*[\s\S]*?\*\//g, ''))
      .replace(/ ?([{}:;,>]) ?/g, '$1')
      .replace(/;}/g, '}'),
  );
}
