import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** JSON and Markdown authors get errors in terms of fields; the text format's in terms of headings. */
const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: ['Chief Technology Officer'] },
  { name: 'Executive', aliases: [] },
]);

function lines(text: string, file: string): string[] {
  return parseSummary(text, file, taxonomy).problems.map(formatProblem);
}

describe('errors speak the format of the file', () => {
  it('JSON: a missing field is fixed by adding the field', () => {
    const found = lines(JSON.stringify({ summary: 'S', roles: ['CTO'] }), 'a.json').join('\n');
    expect(found).toContain('title: is required — add "title": "…" with the article title');
    expect(found).not.toMatch(/first line|heading/);
  });

  it('Markdown: a field in both the frontmatter and the body is an error, never one silently dropped', () => {
    const both = lines('---\ntitle: T\nroles: [CTO]\nsummary: From the frontmatter.\n---\nFrom the body.\n', 'a.md');
    expect(both).toEqual([
      'a.md:6: summary: is given twice: in the frontmatter (line 4) and as the body text — keep it in one place: delete `summary:` from the frontmatter, or the body text',
    ]);
    const sections = lines(
      '---\ntitle: T\nroles: [CTO]\nsummary: Short.\n---\n## Summary\nLonger, in the body.\n\n## Key takeaway\nKept.\n',
      'b.md',
    );
    expect(sections).toHaveLength(1);
    expect(sections[0]).toMatch(/^b\.md:\d+: summary: is given twice: in the frontmatter \(line 4\) and in the body/);
    expect(parseSummary('---\ntitle: T\nroles: [CTO]\n---\nOnly the body.\n', 'c.md', taxonomy).summary?.summary).toBe(
      'Only the body.',
    );
  });

  it('refuses control characters in paragraphs and bidi overrides anywhere, naming the field', () => {
    const json = (fields: Record<string, unknown>) =>
      lines(JSON.stringify({ title: 'T', summary: 'S', roles: ['CTO'], ...fields }), 'a.json');
    expect(json({ summary: 'Before \u001b]8;;javascript:alert(1)\u001b\\click\u001b]8;;\u001b\\ after' })).toEqual([
      expect.stringMatching(/summary: must not contain control characters/),
    ]);
    expect(json({ principles: ['ok', 'bell \u0007'] })).toEqual([
      expect.stringMatching(/principles\[1\]: must not contain control/),
    ]);
    expect(json({ title: 'Report \u202efdp.exe' })).toEqual([
      expect.stringMatching(/title: must not contain bidirectional override/),
    ]);
    expect(json({ takeaway: 'x \u202dy' })).toEqual([
      expect.stringMatching(/takeaway: must not contain bidirectional override/),
    ]);
    // Right-to-left text with its marks and isolates, tabs and line breaks stay.
    expect(json({ summary: 'עברית \u200fמשפט\u2067x\u2069\tend\nnext' })).toEqual([]);
  });

  it('Markdown: a missing field is fixed in the frontmatter', () => {
    const found = lines('---\ntitle: T\n---\nBody.', 'a.md').join('\n');
    expect(found).toContain('roles: is required — add a line "roles: [Role, …]" to the frontmatter');
    expect(found).not.toContain('Best for');
  });

  it('text: a missing section is fixed by adding the heading', () => {
    expect(lines('Title only\nBest for: CTO\n', 'a.txt').join('\n')).toContain('the "Summary" section is missing');
  });

  it.each([
    ['a.json', JSON.stringify({ Title: 'T', title: 'T', summary: 'S', roles: ['CTO'] }), 'Title', 'title'],
    ['a.json', JSON.stringify({ title: 'T', summary: 'S', roles: ['CTO'], takeaways: 'x' }), 'takeaways', 'takeaway'],
    ['a.md', '---\ntitle: T\nroles: [CTO]\nrole: CTO\n---\nBody.', 'role', 'roles'],
  ])('%s: unknown key %s gets a did-you-mean', (file, text, key, meant) => {
    const found = lines(text, file);
    expect(found.join('\n')).toContain(
      `warning: ${key}: is not a summary field and is ignored — did you mean "${meant}"?`,
    );
  });

  it('a misspelt key is warned about even when a required field is missing too', () => {
    const found = lines(JSON.stringify({ Title: 'T', summary: 'S', roles: ['CTO'] }), 'a.json').join('\n');
    expect(found).toContain('title: is required');
    expect(found).toContain('Title: is not a summary field and is ignored — did you mean "title"?');
  });

  it.each([
    ['a.json', JSON.stringify({ title: 'Real title\r\nBcc: x@example.com', summary: 'S', roles: ['CTO'] }), 'title'],
    ['a.json', JSON.stringify({ title: 'T', summary: 'S', roles: ['CTO'], source: 'Press\nX-Extra: 1' }), 'source'],
    ['a.json', JSON.stringify({ title: 'T', summary: 'S', roles: ['CTO\u2028Executive'] }), 'roles[0]'],
    ['a.json', JSON.stringify({ title: 'T', summary: 'S', roles: ['CTO'], topics: ['AI\u001b[31m'] }), 'topics[0]'],
    ['a.md', '---\ntitle: "A title\\r\\nBcc: x@example.com"\nroles: [CTO]\n---\nBody.', 'title'],
  ])(
    '%s: a line break or control character in a one-line field (%#) is an error naming the field',
    (file, text, field) => {
      const problems = parseSummary(text, file, taxonomy).problems;
      expect(problems).toContainEqual(
        expect.objectContaining({
          severity: 'error',
          file,
          field,
          message: expect.stringMatching(/^must not contain (line breaks|control characters)/),
          hint: 'write it on one line, without control characters',
        }),
      );
    },
  );

  it.each([
    [
      { title: 'T', summary: 'S', roles: ['CTO'], principles: 'x' },
      'principles: must be a list, not text — write it as a list',
    ],
    [{ title: 42, summary: 'S', roles: ['CTO'] }, 'title: must be text, not a number'],
    [{ title: 'T', summary: 'S', roles: [1] }, 'roles[0]: must be text, not a number'],
  ])('a field of the wrong type says which type it needs, not that it is missing (%#)', (fields, expected) => {
    const found = lines(JSON.stringify(fields), 'a.json').join('\n');
    expect(found).toContain(expected);
    expect(found).not.toContain('is required');
  });

  it('a value of the wrong type gets the type\'s fix, not the field\'s "add …", and an empty one says it is empty', () => {
    const wrong = lines('---\ntitle: 2026\nroles: [CTO]\n---\nBody.', 'a.md').join('\n');
    expect(wrong).toContain('title: must be text, not a number — put it in quotes');
    const empty = lines('---\ntitle:\nroles: [CTO]\n---\nBody.', 'a.md').join('\n');
    expect(empty).toContain('title: is empty — add a line "title: …" to the frontmatter');
    // A JSON field written as null is there: it needs a value, not to be added.
    const nulled = lines(JSON.stringify({ title: 'T', summary: 'S', takeaway: null, roles: ['CTO'] }), 'a.json');
    expect(nulled.join('\n')).toContain('takeaway: is empty — write text for it');
    expect(nulled.join('\n')).not.toContain('is required');
  });

  it('TOML front matter between "+++" lines is refused with one error saying to write YAML', () => {
    const problems = parseSummary('+++\ntitle = "T"\nroles = ["CTO"]\n+++\n\nBody text.', 'a.md', taxonomy).problems;
    expect(problems.map((p) => [p.line, p.field, p.severity])).toEqual([[1, 'frontmatter', 'error']]);
    expect(problems[0]!.hint).toContain('YAML between "---" lines');
  });

  it('a YAML error is reported once, with its line, and nothing else', () => {
    const problems = parseSummary('---\ntitle: T\nroles: [CTO\nsummary: x\n---\nBody.', 'a.md', taxonomy).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]?.field).toBe('frontmatter');
    expect(problems[0]?.line).toBeGreaterThan(1);
  });

  it('frontmatter that is never closed is one error', () => {
    const problems = parseSummary('---\ntitle: T\nBody.', 'a.md', taxonomy).problems;
    expect(problems.map(formatProblem)).toEqual([
      'a.md:1: frontmatter: is not closed — end the frontmatter with a line "---"',
    ]);
  });
});

describe('values zod would describe in its own words', () => {
  it('an empty role and a status in the wrong case say what is wrong in the house style', () => {
    const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
    const { problems } = parseSummary(
      JSON.stringify({ title: 'T', summary: 'S', roles: ['CTO', ' '], status: 'Ready' }),
      'a.json',
      taxonomy,
    );
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'roles[1]: must not be empty',
      'status: must be "draft" or "ready", in lower case',
    ]);
    for (const problem of problems) expect(problem.message).not.toMatch(/Too small|Invalid option/);
  });
});

describe('frontmatter text that YAML reads as a number or true/false', () => {
  it('says to put it in quotes, on its line', () => {
    const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
    const { problems } = parseSummary(
      '---\ntitle: 1984\nroles: [CTO]\ntopics: [AI, 2026]\nsource: true\n---\nBody.\n',
      'a.md',
      taxonomy,
    );
    expect(problems.map(formatProblem)).toEqual([
      'a.md:2: title: must be text, not a number — put it in quotes ("…"): without them, YAML reads it as a number',
      'a.md:4: topics[1]: must be text, not a number — put it in quotes ("…"): without them, YAML reads it as a number',
      'a.md:5: source: must be text, not true or false — put it in quotes ("…"): without them, YAML reads it as true or false',
    ]);
  });
});

describe('a date written as YYYY-MM-DD that no calendar has', () => {
  it('says the day does not exist, not that it is written wrongly', () => {
    const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
    for (const [text, file] of [
      ['T\nSummary\nBody.\nDate: 2026-02-30\nBest for: CTO\n', 'a.txt'],
      [JSON.stringify({ title: 'T', summary: 'S', roles: ['CTO'], date: '2026-13-01' }), 'a.json'],
    ] as const) {
      const { problems } = parseSummary(text, file, taxonomy);
      expect(problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
        'date: is not a day of the calendar: check the month (01–12) and the day',
      ]);
    }
  });
});
