import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minifyHtml } from '../../src/render/minify.js';

/** The minifier as first written, each pass over white space of any length and kind. */
const BLOCK_TAGS =
  'html|head|body|meta|title|style|link|table|thead|tbody|tfoot|tr|td|th|div|p|h[1-6]|ul|ol|li|center|br|hr|img|o:[a-z]+|v:[a-z]+|xml';
const AROUND_BLOCK = new RegExp(`\\s*(</?(?:${BLOCK_TAGS})(?:\\s[^>]*)?/?>)\\s*`, 'gi');

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
        .replace(/\s+/g, ' ')
        .replace(/\s*([{}:;,>])\s*/g, '$1')
        .replace(/;}/g, '}')
        .trim();
      return `<style${attrs}>${min}</style>`;
    })
    .replace(/\s+/g, ' ')
    .replace(AROUND_BLOCK, '$1')
    .replace(/>\s+<!/g, '><!')
    .trim();
  return out.replace(/\u0000(\d+)\u0000/g, (_, index: string) => kept[Number(index)]!);
}

const space = fc.constantFrom(' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u2028', '\ufeff', ' \n ', '');
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
    expect(minifyHtml('a b\u00a0c \n\td\r\ne')).toBe('a b c d e');
    expect(minifyHtml('<p>\n  a  b\n</p>\n<td\nclass="x"> c </td> \n <!--[if mso]>')).toBe(
      '<p>a b</p><td class="x">c</td><!--[if mso]>',
    );
  });
});
