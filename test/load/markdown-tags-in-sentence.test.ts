import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Hashtags an editor quotes inside a sentence are the sentence's words, not the note's tags. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...lines: string[]) {
  return parseSummary(['# Alert Fatigue', '', ...lines, '', '## Best for', 'CTO', ''].join('\n'), 'note.md', taxonomy);
}

describe('a line of hashtags inside a sentence', () => {
  it('after a line the sentence runs on from is text, as written', () => {
    const { summary, problems } = load(
      'The campaign spread under two slogans:',
      '#StopTheSpam #NoMoreAlerts',
      'and both trended for a week.',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe(
      'The campaign spread under two slogans: #StopTheSpam #NoMoreAlerts and both trended for a week.',
    );
    expect(summary?.topics).toEqual([]);
  });

  it('before a line going on in lower case is text, as written', () => {
    const { summary } = load('Teams rallied.', '#NoMoreAlerts', 'became the rallying cry.');
    expect(summary?.summary).toBe('Teams rallied. #NoMoreAlerts became the rallying cry.');
    expect(summary?.topics).toEqual([]);
  });

  it('below a finished sentence is still the topics', () => {
    const { summary } = load('Teams rallied.', '#alerting #oncall');
    expect(summary?.summary).toBe('Teams rallied.');
    expect(summary?.topics).toEqual(['alerting', 'oncall']);
  });
});
