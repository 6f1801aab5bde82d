import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A JSON or Markdown summary keeps the tags a CMS left in it: readers would see them, so they are named. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

const tagWarnings = (text: string, file: string) =>
  parseSummary(text, file, taxonomy).problems.filter((p) => p.message.startsWith('holds HTML tags'));

describe('HTML tags left in a JSON or Markdown summary', () => {
  it.each([
    [
      'a JSON summary exported from a CMS',
      'a.json',
      '{\n  "title": "Warm <b>pools</b>",\n  "roles": ["CTO"],\n  "summary": "Keep <em>some</em> capacity.",\n  "principles": ["<p>Measure first.</p>"]\n}',
      [
        { field: 'title', line: 2, tag: '<b>' },
        { field: 'summary', line: 4, tag: '<em>' },
        { field: 'principles', line: 5, tag: '<p>' },
      ],
    ],
    [
      'a Markdown body with a tag and an image tag',
      'a.md',
      '---\ntitle: Warm pools\nroles: [CTO]\n---\nKeep <strong>some</strong> capacity.\n\n## Principles\n\n- Measure <img src="x.png"> first.\n',
      [
        { field: 'summary', tag: '<strong>' },
        { field: 'principles', tag: '<img src="x.png">' },
      ],
    ],
    [
      'a script element in a frontmatter value',
      'a.md',
      '---\ntitle: Warm pools\nroles: [CTO]\nsource: Example <script>x()</script>\n---\nKeep capacity.\n',
      [{ field: 'source', line: 4, tag: '</script>' }],
    ],
  ])('%s is warned about per field, naming the tag', (_name, file, text, expected) => {
    const warnings = tagWarnings(text, file);
    expect(warnings.map((w) => w.severity)).toEqual(expected.map(() => 'warning'));
    for (const [index, { field, tag, ...line }] of expected.entries()) {
      expect(warnings[index]).toMatchObject({ field, file, ...line });
      expect(warnings[index]?.message).toContain(`("${tag}")`);
    }
  });

  it('passes over an element named in prose and a link in brackets', () => {
    const text =
      '---\ntitle: Use <details> for disclosure\nroles: [CTO]\n---\nThe <details> element, see <https://example.com/a>, and a<b or c>d.\n';
    expect(tagWarnings(text, 'a.md')).toEqual([]);
  });
});
