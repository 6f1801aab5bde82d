import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { parseTaxonomy } from '../../src/roles/taxonomy.js';
import { REPO_ROOT } from '../helpers/project.js';

const taxonomy = parseTaxonomy(readFileSync(join(REPO_ROOT, 'roles.yaml'), 'utf8'), 'roles.yaml');

describe('roles written in the plural', () => {
  it.each([
    ['CTOs', 'CTO'],
    ["CTO's", 'CTO'],
    ['Product managers', 'Product Manager'],
    ['engineering leads', 'Engineering Manager'],
    ['VPs of Engineering', 'VP of Engineering/Data'],
    ['Directors of AI', 'Director of AI/ML'],
    ['PMs', 'Product Manager'],
    ['Data scientists', 'Data Scientist'],
    ['Machine learning engineers', 'ML Engineer'],
    ['Security leads', 'Security Lead'],
  ])('reads "%s" as %s', (written, role) => {
    expect(taxonomy.lookup(written)).toBe(role);
  });

  it('leaves a role that is not a plural of a known one unknown', () => {
    for (const written of ['Sales', 'Chess players', 'Analysts of things'])
      expect(taxonomy.lookup(written)).toBeUndefined();
  });

  it('gives the summary to the readers a plural Best for line names, with no warning', () => {
    const { summary, problems } = parseSummary(
      'Queues\nSummary\nQueues hide work.\nBest for: CTOs, Product managers, engineering leads\n',
      'plural.txt',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.roles).toEqual(['CTO', 'Product Manager', 'Engineering Manager']);
  });

  it('reads plural roles in a JSON roles list too', () => {
    const json = JSON.stringify({
      title: 'Queues',
      summary: 'Queues hide work.',
      roles: ['ML engineers', 'Executives'],
    });
    const { summary, problems } = parseSummary(json, 'plural.json', taxonomy);
    expect(problems).toEqual([]);
    expect(summary?.roles).toEqual(['ML Engineer', 'Executive']);
  });
});
