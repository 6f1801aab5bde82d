import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** JSON fields and frontmatter values pasted from a CMS read their character references, as a text summary does. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function json(fields: Record<string, unknown>) {
  return parseSummary(
    JSON.stringify({ title: 'T', summary: 'S', roles: ['CTO'], ...fields }, null, 2),
    'rd.json',
    taxonomy,
  );
}

function markdown(...front: string[]) {
  return parseSummary(['---', ...front, '---', 'The summary.', ''].join('\n'), 'rd.md', taxonomy);
}

describe('character references in JSON fields', () => {
  it('are read as the characters they name, in text, lists and the link', () => {
    const { summary, problems } = json({
      title: 'R&amp;D in a Downturn',
      summary: 'Cut R&amp;D last &#8212; it pays.',
      topics: ['Q&amp;A', 'Caf&eacute;s'],
      source: 'Example &amp; Partners',
      url: 'https://example.com/a?x=1&amp;y=2',
    });
    expect(summary).toMatchObject({
      title: 'R&D in a Downturn',
      summary: 'Cut R&D last — it pays.',
      topics: ['Q&A', 'Cafés'],
      source: 'Example & Partners',
      url: 'https://example.com/a?x=1&y=2',
    });
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', field: 'url', line: 12 })]);
  });

  it('leave a plain & and a reference to a control or bidirectional character as written', () => {
    const { summary } = json({ title: 'AT&T and Q&A', summary: 'A &#27; B &#x202E; C' });
    expect(summary?.title).toBe('AT&T and Q&A');
    expect(summary?.summary).toBe('A &#27; B &#x202E; C');
  });

  it('refuse a link that a reference turns into javascript:', () => {
    const { summary, problems } = json({ url: 'javascript&#58;alert(1)' });
    expect(summary).toBeUndefined();
    expect(problems).toContainEqual(expect.objectContaining({ severity: 'error', field: 'url' }));
  });
});

describe('character references in Markdown frontmatter', () => {
  it('are read in the title, source and link', () => {
    const { summary, problems } = markdown(
      'title: "Synthetic Data &ndash; Promise &amp; Pitfalls"',
      'roles: [CTO]',
      'source: Example Data &amp; AI Review',
      'url: "https://example.com/s?a=1&amp;b=2"',
    );
    expect(summary).toMatchObject({
      title: 'Synthetic Data – Promise & Pitfalls',
      source: 'Example Data & AI Review',
      url: 'https://example.com/s?a=1&b=2',
      summary: 'The summary.',
    });
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', field: 'url', line: 5 })]);
  });
});

describe('accented letters named by reference', () => {
  it.each([
    ['Caf&eacute; in M&uuml;nchen', 'Café in München'],
    ['S&atilde;o Paulo, Gar&ccedil;on, &Aring;se, &scaron;', 'São Paulo, Garçon, Åse, š'],
    ['Stra&szlig;e, &aelig;, &oslash;', 'Straße, æ, ø'],
    ['&qacute; &eacutex; stay', '&qacute; &eacutex; stay'],
  ])('%s reads %s, in a JSON field as in a text summary', (written, read) => {
    expect(json({ title: written }).summary?.title).toBe(read);
    const text = parseSummary(`${written}\nSummary\nS.\nBest for: CTO\n`, 'accents.txt', taxonomy);
    expect(text.summary?.title).toBe(read);
  });
});
