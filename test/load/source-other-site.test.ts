import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A card links its source to the article: a source keeping an address of another site showed that
 * address as the text of a link to the article's site, one address shown and another followed.
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const HEAD = 'Warm pools\nSummary\nKeep some capacity.\nBest for: CTO\nLink: https://news.example/a\n';

const otherSite = (text: string, file = 'a.txt') =>
  parseSummary(text, file, taxonomy).problems.filter((p) => p.message.includes('on another site'));

describe('a source showing an address of another site than the article', () => {
  it.each([
    [
      'its name with the address',
      `${HEAD}Source: Good News (https://good.example/story)\n`,
      'https://good.example/story',
    ],
    ['the address alone', `${HEAD}Source: https://good.example/story\n`, 'https://good.example/story'],
    [
      'a JSON source object',
      '{"title": "T", "roles": ["CTO"], "summary": "S", "url": "https://news.example/a",\n "source": {"name": "Good News", "url": "https://good.example/"}}',
      'https://good.example/',
    ],
  ])('%s is warned about at the source, naming both addresses', (_name, text, shown) => {
    const file = text.startsWith('{') ? 'a.json' : 'a.txt';
    const [warning, ...more] = otherSite(text, file);
    expect(more).toEqual([]);
    expect(warning).toMatchObject({ severity: 'warning', field: 'source', line: file === 'a.json' ? 2 : 6 });
    expect(warning?.message).toContain(`shows the address ${shown}`);
    expect(warning?.message).toContain('(https://news.example/a)');
  });

  it.each([
    ['the same site, with www.', `${HEAD}Source: News (https://www.news.example/)\n`],
    ['the article itself', `${HEAD}Source: News (https://news.example/a)\n`],
    ['a name alone', `${HEAD}Source: News\n`],
  ])('%s is not', (_name, text) => {
    expect(otherSite(text)).toEqual([]);
  });
});
