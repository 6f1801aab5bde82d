import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minifyHtml, minifyPiece } from '../../src/render/minify.js';

/**
 * The minifier as first written, each pass over white space of any length, with white space as
 * ASCII's (space, tab, LF, VT, FF, CR): no-break and other Unicode spaces are text.
 */
const WS = '[ \\t\\n\\v\\f\\r]';
const BLOCK_TAGS =
  'html|head|body|meta|title|style|link|table|thead|tbody|tfoot|tr|td|th|div|p|h[1-6]|ul|ol|li|center|br|hr|img|o:[a-z]+|v:[a-z]+|xml';
const AROUND_BLOCK = new RegExp(`${WS}*(</?(?:${BLOCK_TAGS})(?:${WS}[^>]*)?/?>)${WS}*`, 'gi');
const RUN = new RegExp(`${WS}+`, 'g');
const trimWs = (text: string) => text.replace(new RegExp(`^${WS}+|${WS}+$`, 'g'), '');

function reference(html: string): string {
  const kept: string[] = [];
  const shielded = html.replace(/<(pre|textarea)\b[\s\S]*?<\/\1>/gi, (match) => {
    kept.push(match);
    return `\u0000${kept.length - 1}\u0000`;
  });
  const out = shielded
    .replace(/<!--(?!\[if)(?!<!)(?!>)[\s\S]*?-->/g, '')
    .replace(/<style([^>]*)>([\s\S]*?)<\/style>/gi, (_, attrs: string, css: string) => {
      const min = css
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(RUN, ' ')
        .replace(new RegExp(`${WS}*([{}:;,>])${WS}*`, 'g'), '$1')
        .replace(/;}/g, '}');
      return `<style${attrs}>${trimWs(min)}</style>`;
    })
    .replace(RUN, ' ')
    .replace(AROUND_BLOCK, '$1')
    .replace(new RegExp(`>${WS}+<!`, 'g'), '><!');
  return trimWs(out).replace(/\u0000(\d+)\u0000/g, (_, index: string) => kept[Number(index)]!);
}

const space = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\v', '\u00a0', '\u2028', '\ufeff', ' \n ', '');
const piece = fc.constantFrom(
  '<p>',
  '</p>',
  '<P\u00a0class="a">',
  '<td\nclass="a"  id=b>',
  '<td\tstyle="x">',
  '</TD >',
  '<br/>',
  '<br />',
  '<img\u2028src="x">',
  '<o:p>',
  '<span>',
  '</span>',
  '<a href="x">',
  'word',
  'x=y',
  '<!-- c -->',
  '<!--[if mso]>',
  '<![endif]-->',
  '<!-->',
  '<pre> a  b </pre>',
  '<textarea>\n x </textarea>',
  '<style> a { b : c } </style>',
  '>',
  '<',
);
const html = fc.array(fc.tuple(space, piece, space), { maxLength: 30 }).map((parts) => parts.flat().join(''));

describe('minifyHtml', () => {
  it('gives what it gave with white space matched in any length and kind, for random markup', () => {
    fc.assert(
      fc.property(html, (source) => {
        expect(minifyHtml(source)).toBe(reference(source));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps a lone space, joins mixed runs and drops white space around block tags', () => {
    expect(minifyHtml('a b\fc \n\td\r\ne\vf')).toBe('a b c d e f');
    expect(minifyHtml('<p>\n  a  b\n</p>\n<td\nclass="x"> c </td> \n <!--[if mso]>')).toBe(
      '<p>a b</p><td class="x">c</td><!--[if mso]>',
    );
  });

  it('keeps no-break and other Unicode spaces as the text they are, at the ends too', () => {
    expect(minifyHtml('<p>10\u00a0km, \u00ab\u00a0mot\u00a0\u00bb\u202f!</p>')).toBe(
      '<p>10\u00a0km, \u00ab\u00a0mot\u00a0\u00bb\u202f!</p>',
    );
    expect(minifyHtml('\u3000\u00a0 a \u00a0\n')).toBe('\u3000\u00a0 a \u00a0');
    expect(minifyPiece('\u00a0<b>x</b> ')).toEqual({ html: '\u00a0<b>x</b>', spaceBefore: false, spaceAfter: true });
  });
});
