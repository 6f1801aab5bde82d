import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Numbered citations in a Markdown body keep their brackets, linked to a reference or not. */
const taxonomy = createTaxonomy([{ name: 'Software Engineer', aliases: [] }]);
const markdown = (...body: string[]) =>
  parseSummary(
    ['---', 'title: Tail Latency', 'roles: [Software Engineer]', '---', '', ...body, ''].join('\n'),
    'cites.md',
    taxonomy,
  );

describe('numbered citations in Markdown', () => {
  it.each([
    ['Tail latency dominates at fan-out [1][r].', '[r]: https://example.com/paper'],
    ['Tail latency dominates at fan-out [1][].', '[1]: https://example.com/paper'],
    ['Tail latency dominates at fan-out [1](https://example.com/paper).', ''],
    ['Tail latency dominates at fan-out [1].', '[1]: https://example.com/paper'],
  ])('shows "%s" with its citation in brackets', (sentence, definition) => {
    const { summary, problems } = markdown(sentence, '', definition);
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Tail latency dominates at fan-out [1].');
  });

  it('shows a year or figure written as a link as its text, without brackets', () => {
    const { summary } = markdown(
      'The [2024](https://example.com/2024) report and the [2025][r] one [3][r].',
      '',
      '[r]: https://example.com/paper',
    );
    expect(summary?.summary).toBe('The 2024 report and the 2025 one [3].');
  });

  it('still shows a worded reference link as its text', () => {
    const { summary } = markdown('Read [the paper][r] first.', '', '[r]: https://example.com/paper');
    expect(summary?.summary).toBe('Read the paper first.');
  });
});
