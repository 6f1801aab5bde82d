import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A summary whose fields open the file as property lines, `title:: …` as Logseq writes a page or
 * `Title:` and `Roles:` labels above the text, was refused with "the Summary section is missing"
 * (and Logseq's `date:: [[Nov 30th, 2026]]` with a date error quoting ": [[Nov 30th, 2026]]"). It is
 * still refused, with one error that names what the file holds and what to write instead.
 */

const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Executive', aliases: [] },
]);

const problems = (file: string, text: string) =>
  parseSummary(text, file, taxonomy).problems.map(
    (p) => `${p.severity} ${p.line ?? ''} ${p.field}: ${p.message} — ${p.hint}`,
  );

describe('a summary written as property lines', () => {
  it('gets one error naming Logseq properties, with the frontmatter to write', () => {
    const found = problems(
      'warm-pools.md',
      'title:: Warm Pools\nroles:: [[CTO]], [[Executive]]\ndate:: [[Nov 30th, 2026]]\nurl:: https://example.com/a\n\n- Teams keep warm pools to cut cold starts.\n',
    );
    expect(found).toEqual([
      'error 1 file: opens with Logseq properties ("title:: …"), which are not read as a summary\'s fields — write them as frontmatter between two "---" lines at the top (title: Warm Pools; roles: [CTO, Executive]; date: YYYY-MM-DD; url: https://example.com/a), then the summary text below',
    ]);
  });

  it('gets one error naming label lines in a .txt, with the lines to write', () => {
    const found = problems('warm-pools.txt', 'Title: Warm Pools\nRoles: CTO, Executive\n\nTeams keep warm pools.\n');
    expect(found).toEqual([
      'error 1 file: opens with label lines ("Title: …"), which are not read as a summary\'s fields — write the title alone on line 1, then a "Summary" heading over the text, then "Best for: CTO, Executive"; or save it as a .md file with the fields as frontmatter between two "---" lines',
    ]);
  });

  it('leaves a summary that reads as it was, and the errors of one that opens otherwise', () => {
    expect(
      parseSummary('Warm Pools\nSummary\nTeams keep warm pools.\nBest for: CTO\n', 'a.txt', taxonomy).summary?.title,
    ).toBe('Warm Pools');
    expect(problems('b.txt', 'Warm Pools\n\nTeams keep warm pools.\nBest for: CTO\n').join('\n')).toContain(
      'the "Summary" section is missing',
    );
  });
});
