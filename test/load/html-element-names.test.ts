import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Elements an editor names in a summary's prose are text; tags a page left around text are read. */
const taxonomy = createTaxonomy([{ name: 'Software Engineer', aliases: [] }]);

function load(...body: string[]) {
  const text = ['Buttons Are Not Divs', '', 'Summary:', ...body, '', 'Best for: Software Engineer', ''];
  return parseSummary([...text, 'Link: https://example.com/buttons', ''].join('\n'), 'buttons.txt', taxonomy);
}

describe('an element named in a text summary', () => {
  it.each([
    'Stop using <div> for buttons; a <button> is focusable.',
    'Wrap inline code in <code> and never inline a <script> tag.',
    'The sort swaps them if a<b and c>d.',
  ])('is kept as the editor wrote it: %s', (sentence) => {
    const { summary, problems } = load(sentence);
    expect(summary?.summary).toBe(sentence);
    expect(problems.filter((p) => p.message.includes('it is left out'))).toEqual([]);
  });

  it('is still read as markup when the page left it paired or with attributes', () => {
    const { summary, problems } = load(
      '<div class="body">Use a <b>real</b> button.</div>',
      '<button type="button">Save</button> it.<img src="https://example.com/x.png">',
    );
    expect(summary?.summary).toBe('Use a real button. Save it.');
    expect(problems).toContainEqual(expect.objectContaining({ line: 5, message: expect.stringContaining('left out') }));
  });
});
