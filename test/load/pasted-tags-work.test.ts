import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * Whether a tag pasted into a text summary is a page's markup or an element named in prose was
 * answered by searching the whole file for its counterpart, once per tag: a 1 MB file of `<b>`
 * took minutes. Counted here as the characters searched by `includes` and `RegExp#test`, which
 * grow with the input (about 8× for 8× the tags) and not with its square (64×).
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function charactersSearched(text: string): number {
  const includes = String.prototype.includes;
  const test = RegExp.prototype.test;
  let searched = 0;
  String.prototype.includes = function (this: string, ...args: Parameters<typeof includes>) {
    searched += this.length;
    return includes.apply(this, args);
  };
  RegExp.prototype.test = function (this: RegExp, input: string) {
    searched += String(input).length;
    return test.call(this, input);
  };
  try {
    parseSummary(text, 'a.txt', taxonomy);
  } finally {
    String.prototype.includes = includes;
    RegExp.prototype.test = test;
  }
  return searched;
}

describe('HTML tags pasted into a text summary', () => {
  it.each([
    ['opening tags without their closing tag', '<b>x '],
    ['closing tags without their opening tag', '</em>x '],
    ['paired tags of many elements', '<i>x</i> <u>y</u> '],
  ])('%s are read with work linear in their number', (_name, piece) => {
    const summary = (tags: number) => `Title\nSummary\n${piece.repeat(tags)}\nBest for: CTO\n`;
    const small = charactersSearched(summary(1_000));
    const large = charactersSearched(summary(8_000));
    expect(large / small).toBeLessThan(16);
  });

  it('still tell a tag with its counterpart in the file from one named in prose', () => {
    const { summary } = parseSummary(
      'Title\nSummary\nStop using <div> for buttons, and <b>do</b> use <em>real ones.\nMore </em>text.\nBest for: CTO\n',
      'a.txt',
      taxonomy,
    );
    expect(summary?.summary).toBe('Stop using <div> for buttons, and do use real ones. More text.');
  });
});
