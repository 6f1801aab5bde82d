import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * Roles written as entries of their own in a JSON or YAML list, each one the roles file names, stay
 * apart even when the roles file also names them joined by a comma ("Head of Sales, EMEA").
 */
const taxonomy = createTaxonomy([
  { name: 'Head of Sales', aliases: [] },
  { name: 'EMEA', aliases: [] },
  { name: 'Head of Sales, EMEA', aliases: [] },
  { name: 'CTO', aliases: [] },
]);

function roles(text: string, file: string) {
  const { summary, problems } = parseSummary(text, file, taxonomy);
  return { roles: summary?.roles, warnings: problems.map((p) => p.message) };
}

describe('roles listed as entries of their own', () => {
  it.each([
    [JSON.stringify({ title: 'Warm Pools', summary: 'Text.', roles: ['Head of Sales', 'EMEA', 'CTO'] }), 'pools.json'],
    ['---\ntitle: Warm Pools\nroles:\n  - Head of Sales\n  - EMEA\n  - CTO\n---\nText.\n', 'pools.md'],
  ])('stay apart when each is a role: %j', (text, file) => {
    expect(roles(text, file)).toEqual({ roles: ['Head of Sales', 'EMEA', 'CTO'], warnings: [] });
  });

  it('one entry holding the comma is the role the roles file names so', () => {
    const text = JSON.stringify({ title: 'Warm Pools', summary: 'Text.', roles: ['Head of Sales, EMEA', 'CTO'] });
    expect(roles(text, 'pools.json')).toEqual({ roles: ['Head of Sales, EMEA', 'CTO'], warnings: [] });
  });
});
