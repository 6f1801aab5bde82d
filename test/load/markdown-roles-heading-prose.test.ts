import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A Notion page's "## Best for" heading over a sentence describing its readers, not a list of roles. */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'VP of Engineering', aliases: [] },
  { name: 'Head of Data Platform', aliases: [] },
]);

function load(...underHeading: string[]) {
  return parseSummary(
    ['# Sharding Late', '', 'Sharding after the fact costs a year.', '', '## Best for', ...underHeading, ''].join('\n'),
    'notion.md',
    taxonomy,
  );
}

describe('prose under a "## Best for" heading', () => {
  it.each([
    [['Teams that outgrew one database and are deciding when to split it.']],
    [['Anyone about to shard.']],
    [['- CTO', '- Leaders who own the database budget.']],
  ])('%j refuses the summary, naming the line and what to write', (lines) => {
    const { summary, problems } = load(...lines);
    expect(summary).toBeUndefined();
    const line = 6 + lines.findIndex((l) => !/^- CTO$/.test(l));
    expect(problems).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        file: 'notion.md',
        line,
        field: 'roles',
        message: 'is prose under the "Best for" heading, not a list of roles',
        hint: expect.stringContaining('separated by commas'),
      }),
    );
  });

  it.each([
    [['CTO, VP of Engineering, Head of Data Platform.']],
    [['Head of Data Platform.']],
    [['Vice President of Data and Analytics']],
    [['- CTO', '- VP of Engineering']],
    [['cto, vp of engineering']],
  ])('%j are roles, as before', (lines) => {
    const { summary, problems } = load(...lines);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(summary?.roles.length).toBeGreaterThan(0);
  });
});
