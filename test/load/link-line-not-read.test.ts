import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A "Link:" line below the sections that is no address (a tab inside it, or words) was reported only
 * as "text outside any section is ignored", so the editor did not learn that the article's link was
 * not read, nor why.
 */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const loaded = (link: string) =>
  parseSummary(`A title\n\nSummary\nA short summary.\n\nBest for: CTO\nLink: ${link}\n`, 'a.txt', taxonomy);

describe('a Link line that is not read', () => {
  it.each([
    ['java\tscript:alert(1)', 'holds a tab (shown →)', 'java→script:alert(1)'],
    ['see\tthe site', 'holds a tab (shown →)', 'see→the site'],
    ['see the site', 'holds a space', 'see the site'],
  ])('%j is named at its line with why', (link, why, shown) => {
    const { summary, problems } = loaded(link);
    expect(summary?.url).toBeUndefined();
    expect(problems.filter((p) => p.message.includes('outside any section'))).toEqual([]);
    const problem = problems.find((p) => p.line === 7);
    expect(problem).toMatchObject({ file: 'a.txt', field: 'url' });
    expect(problem?.message).toBe(`the Link line was not read as the article's link: "${shown}" ${why}`);
    expect(problem?.hint).toContain('write the address alone after "Link:"');
  });

  it('an address is still read, and other text below the sections is still ignored as before', () => {
    expect(loaded('https://a.example/b').summary?.url).toBe('https://a.example/b');
    const other = parseSummary(
      'A title\n\nSummary\nA short summary.\n\nBest for: CTO\nSee the site\n',
      'a.txt',
      taxonomy,
    );
    expect(other.problems.map((p) => p.message)).toContain('text outside any section is ignored');
  });
});
