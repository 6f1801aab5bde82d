import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

const text = (link: string) =>
  `Pooling\n\nSummary\nTeams drown in alerts.\n\nKey takeaway\nDo less.\n\nBest for: CTO\n\nLink: ${link}\n`;
const json = (link: string) =>
  JSON.stringify({ title: 'Pooling', summary: 'Teams drown.', keyTakeaway: 'Do less.', roles: ['CTO'], url: link });
const markdown = (link: string) =>
  `---\ntitle: Pooling\nroles: [CTO]\nurl: "${link}"\n---\n\n## Summary\nTeams drown.\n\n## Key takeaway\nDo less.\n`;

describe('a mailto article link that would add recipients or headers', () => {
  const added = [
    'mailto:editor@example.com?bcc=watcher@example.net',
    'mailto:editor@example.com?cc=watcher@example.net&subject=Hi',
    'mailto:editor@example.com?To=watcher@example.net',
    'mailto:editor@example.com,watcher@example.net',
    'mailto:editor@example.com%0D%0ABcc:%20watcher@example.net',
    'mailto:editor@example.com?subject=Hi%0ABcc:%20watcher@example.net',
    'mailto:editor@example.com?%62cc=watcher@example.net',
  ];
  for (const link of added)
    for (const [name, write] of [
      ['x.txt', text],
      ['x.json', json],
      ['x.md', markdown],
    ] as const)
      it(`is refused in ${name}: ${link}`, () => {
        const { summary, problems } = parseSummary(write(link), name, taxonomy);
        expect(summary).toBeUndefined();
        const problem = problems.find((p) => p.severity === 'error' && p.field === 'url');
        expect(problem?.message).toMatch(/adds recipients or mail headers/);
        expect(problem?.file).toBe(name);
      });

  it('keeps a mailto link to one address with a subject and a body of several lines', () => {
    const link = 'mailto:editor@example.com?subject=Pooling%20notes&body=Line%20one%0D%0ALine%20two';
    const { summary } = parseSummary(text(link), 'x.txt', taxonomy);
    expect(summary?.url).toBe(link);
  });
});
