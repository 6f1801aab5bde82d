import { describe, expect, it } from 'vitest';
import { parseSubscribers, parseSubscribersCsv } from '../../src/load/subscribers.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = () =>
  createTaxonomy([
    { name: 'CTO', aliases: ['Chief Technology Officer'] },
    { name: 'VP of Engineering/Data', aliases: ['VP Engineering'] },
    { name: 'UX/UI Designer', aliases: ['Product Designer'] },
    { name: 'Executive', aliases: ['CEO', 'Founder', 'Sales & Marketing Lead'] },
    { name: 'ML Engineer', aliases: [] },
  ]);

const rolesOf = (csv: string) => {
  const { subscribers, problems } = parseSubscribersCsv(csv, 'readers.csv', taxonomy());
  return { roles: subscribers.map((s) => s.roles), problems };
};

describe("a reader's roles cell holding known roles joined by a separator", () => {
  it('reads each known role of "CTO/VP Engineering", so the reader gets what either is sent', () => {
    const { roles, problems } = rolesOf('email,roles\nann@example.com,CTO/VP Engineering\n');
    expect(roles).toEqual([['CTO', 'VP of Engineering/Data']]);
    expect(problems.map((p) => [p.severity, p.line, p.field, p.message, p.hint])).toEqual([
      [
        'warning',
        2,
        '[0].roles[0]',
        '"CTO/VP Engineering" is read as 2 roles: CTO, VP of Engineering/Data',
        'separate the roles with "|", ";" or a comma to say so plainly: write "CTO|VP of Engineering/Data" (or each as an entry of a roles list)',
      ],
    ]);
  });

  it('reads " & ", "+", " and " and a spaced slash the same way, and a JSON roles list entry too', () => {
    const csv =
      'email;roles\n' +
      'a@example.com;CTO & ML Engineer\n' +
      'b@example.com;CTO+ML Engineer\n' +
      'c@example.com;CEO and ML Engineer\n' +
      'd@example.com;VP of Engineering/Data / CTO\n';
    expect(rolesOf(csv).roles).toEqual([
      ['CTO', 'ML Engineer'],
      ['CTO', 'ML Engineer'],
      ['Executive', 'ML Engineer'],
      ['VP of Engineering/Data', 'CTO'],
    ]);
    const json = JSON.stringify([{ email: 'e@example.com', roles: ['Chief Technology Officer/Founder'] }]);
    expect(parseSubscribers(json, 'readers.json', taxonomy()).subscribers[0]?.roles).toEqual(['CTO', 'Executive']);
  });

  it('keeps a role or alias whose own name holds the separator whole, with no warning', () => {
    const { roles, problems } = rolesOf(
      'email;roles\na@example.com;UX/UI Designer\nb@example.com;Sales & Marketing Lead\n',
    );
    expect(roles).toEqual([['UX/UI Designer'], ['Executive']]);
    expect(problems).toEqual([]);
  });

  it('keeps a cell with a part no role names as written, with the warning naming its row and what to write', () => {
    const { roles, problems } = rolesOf('email,roles\na@example.com,CTO/Space Cadet\nb@example.com,C++ Developer\n');
    expect(roles).toEqual([['CTO/Space Cadet'], ['C++ Developer']]);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [2, 'unknown role "CTO/Space Cadet"'],
      [3, 'unknown role "C++ Developer"'],
    ]);
    expect(problems[0]?.hint).toBe('add it to the role taxonomy');
  });

  it('says once how many readers hold the same joined cell', () => {
    const { problems } = rolesOf('email,roles\na@example.com,CTO/CEO\nb@example.com,CTO/CEO\n');
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [2, '"CTO/CEO" is read as 2 roles: CTO, Executive (2 subscribers)'],
    ]);
  });
});
