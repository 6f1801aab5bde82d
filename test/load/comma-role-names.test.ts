import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A role whose name holds a comma ("Head of Sales, EMEA"), as the roles file names it. */
const taxonomy = createTaxonomy([
  { name: 'Head of Sales, EMEA', aliases: [] },
  { name: 'CTO', aliases: [] },
]);

function roles(text: string, file: string) {
  const { summary, problems } = parseSummary(text, file, taxonomy);
  return { roles: summary?.roles, warnings: problems.map((p) => p.message) };
}

describe('a role name with a comma', () => {
  it.each([
    ['Warm Pools\nSummary\nWarm workers end cold starts.\nBest for: Head of Sales, EMEA, CTO\n', 'pools.txt'],
    [JSON.stringify({ title: 'Warm Pools', summary: 'Text.', roles: ['Head of Sales, EMEA', 'CTO'] }), 'pools.json'],
    ['---\ntitle: Warm Pools\nroles: [Head of Sales, EMEA, CTO]\n---\nText.\n', 'pools.md'],
    ['# Warm Pools\n\nText.\n\n## Best for\n- Head of Sales, EMEA\n- CTO\n', 'pools.md'],
  ])('is one role when the roles file names it: %j', (text, file) => {
    expect(roles(text, file)).toEqual({ roles: ['Head of Sales, EMEA', 'CTO'], warnings: [] });
  });

  it('the roles file does not name is split at its comma, as before', () => {
    const { roles: read, warnings } = roles('Warm Pools\nSummary\nText.\nBest for: VP, Engineering\n', 'pools.txt');
    expect(read).toEqual(['VP', 'Engineering']);
    expect(warnings).toEqual(['unknown role "VP"', 'unknown role "Engineering"']);
  });
});
