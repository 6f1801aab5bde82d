import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSubscribers, parseSubscribersCsv } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** What a subscribers file's editor is told to do with a name the list cannot take. */

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('a name in a subscribers file', () => {
  it('over the length limit is to be shortened, in JSON and CSV alike', () => {
    const name = 'N'.repeat(201);
    const json = parseSubscribers(
      JSON.stringify([{ email: 'a@example.com', name, firstName: name }]),
      's.json',
      taxonomy,
    );
    const csv = parseSubscribersCsv(`email,name\na@example.com,${name}\n`, 's.csv', taxonomy);
    const said = [...json.problems, ...csv.problems].map(formatProblem);
    expect(said).toHaveLength(3);
    for (const line of said) {
      expect(line).toMatch(/is too long — limit 200 characters .* — shorten it to 200 characters or fewer$/);
      expect(line).not.toContain('one line');
    }
  });

  it('across lines is still to be written on one line', () => {
    const json = parseSubscribers(JSON.stringify([{ email: 'a@example.com', name: 'Ann\nLee' }]), 's.json', taxonomy);
    expect(json.problems.map(formatProblem)).toEqual([expect.stringMatching(/— write the name on one line$/)]);
  });
});
