import { describe, expect, it } from 'vitest';
import { subscribersCsv } from '../../src/cli/commands/_subscribers-csv.js';
import { parseSubscribersCsv } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('CSV subscriber columns', () => {
  it.each(['firstName', 'FirstName', 'FIRSTNAME', 'first_name', 'First_Name', 'first name', 'First Name'])(
    'reads a "%s" column as firstName',
    (column) => {
      const csv = `email,name,${column},roles\npriya@example.com,Priya Raman,Pri,CTO\n`;
      const { subscribers, problems } = parseSubscribersCsv(csv, 'list.csv', taxonomy);
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(subscribers.map((s) => s.firstName)).toEqual(['Pri']);
    },
  );

  it('writes firstName and reads it back', () => {
    const csv = subscribersCsv([
      { email: 'priya@example.com', name: 'Priya Raman', firstName: 'Pri', roles: ['CTO'], status: 'active' },
      { email: 'sam@example.com', roles: ['CTO'], status: 'active' },
    ]);
    expect(csv.split('\n')[0]).toContain('firstName');
    const { subscribers } = parseSubscribersCsv(csv, 'list.csv', taxonomy);
    expect(subscribers.map((s) => [s.email, s.firstName])).toEqual([
      ['priya@example.com', 'Pri'],
      ['sam@example.com', undefined],
    ]);
  });
});
