import { describe, expect, it } from 'vitest';
import { parseSubscribersCsv } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Headings a spreadsheet gives the fields in words ("Full Name", "Time Zone", "Job Roles"). */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: ['Chief Technology Officer'] },
  { name: 'Executive', aliases: [] },
]);

describe('CSV headings written in words', () => {
  it('reads a semicolon export headed Full Name, Job Roles and Time Zone as name, roles and timezone', () => {
    const csv =
      '\ufeffE-mail Address;Full Name;Job Roles;Time Zone\r\n' +
      'ana@example.com;"Costa, Ana";Chief Technology Officer;Europe/Lisbon\r\n' +
      'ben@example.com;"Ben ""Benny"" Okafor";"CTO; Executive";Europe/London\r\n' +
      ';;;\r\n';
    const { subscribers, problems } = parseSubscribersCsv(csv, 'readers.csv', taxonomy);
    expect(problems).toEqual([]);
    expect(subscribers.map((s) => [s.email, s.name, s.roles, s.timezone])).toEqual([
      ['ana@example.com', 'Costa, Ana', ['CTO'], 'Europe/Lisbon'],
      ['ben@example.com', 'Ben "Benny" Okafor', ['CTO', 'Executive'], 'Europe/London'],
    ]);
  });

  it.each(['Role', 'job_role', 'JOB-ROLES'])('reads a "%s" column as the roles', (heading) => {
    const { subscribers } = parseSubscribersCsv(
      `email,${heading},tz\nana@example.com,CTO,Europe/Lisbon\n`,
      'r.csv',
      taxonomy,
    );
    expect(subscribers.map((s) => [s.roles, s.timezone])).toEqual([[['CTO'], 'Europe/Lisbon']]);
  });

  it('keeps the field itself when the header names it too, and the worded column is passed over', () => {
    const csv = 'email,name,full name,roles\nana@example.com,Ana,Ana Costa,CTO\n';
    const { subscribers, problems } = parseSubscribersCsv(csv, 'readers.csv', taxonomy);
    expect(subscribers.map((s) => s.name)).toEqual(['Ana']);
    expect(problems.map((p) => [p.severity, p.field])).toEqual([['warning', '[0].full name']]);
  });
});
