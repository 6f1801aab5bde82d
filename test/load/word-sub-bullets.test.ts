import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Word's second-level bullets, pasted as the letter "o", in a text summary's list. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function practice(...items: string[]) {
  const { summary, problems } = parseSummary(
    ['Accessibility', 'Summary', 'Text.', 'In practice', ...items, 'Best for: CTO', ''].join('\n'),
    'word.txt',
    taxonomy,
  );
  expect(problems).toEqual([]);
  return summary?.practice;
}

describe('Word second-level bullets', () => {
  it('are items of their own, indented or before a tab', () => {
    expect(
      practice('•\tRun a checker in CI.', '\to\tFail on contrast errors.', '  o Warn on labels.', '•\tTest.'),
    ).toEqual(['Run a checker in CI.', 'Fail on contrast errors.', 'Warn on labels.', 'Test.']);
  });

  it('leave a wrapped line that starts with the letter o, unindented', () => {
    expect(practice('- Run a checker in CI', 'o clock checks run nightly.')).toEqual([
      'Run a checker in CI o clock checks run nightly.',
    ]);
  });
});
