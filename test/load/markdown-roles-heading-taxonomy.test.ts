import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A project's roles.yaml may name roles with lower-case words and more than four of them. */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Head of growth marketing and brand', aliases: [] },
  { name: 'VP of product marketing and growth', aliases: ['vice president of product marketing'] },
]);

function load(...underHeading: string[]) {
  return parseSummary(
    [
      '# Pricing Pages',
      '',
      'Pricing pages convert when they answer one question.',
      '',
      '## Best for',
      ...underHeading,
      '',
    ].join('\n'),
    'notion.md',
    taxonomy,
  );
}

describe('a "## Best for" heading over roles the taxonomy names', () => {
  it.each([
    [
      ['- Head of growth marketing and brand', '- CTO'],
      ['Head of growth marketing and brand', 'CTO'],
    ],
    [['VP of product marketing and growth, CTO'], ['VP of product marketing and growth', 'CTO']],
    [['vice president of product marketing.'], ['VP of product marketing and growth']],
  ])('%j are the roles, not prose', (lines, roles) => {
    const { summary, problems } = load(...lines);
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(summary?.roles).toEqual(roles);
  });

  it('prose beside them is still refused, naming its line', () => {
    const { summary, problems } = load(
      '- Head of growth marketing and brand',
      '- Marketers who run their own pricing tests.',
    );
    expect(summary).toBeUndefined();
    expect(problems).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        line: 7,
        field: 'roles',
        message: expect.stringContaining('is prose'),
      }),
    );
  });
});
