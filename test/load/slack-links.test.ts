import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A link line copied out of a Slack message: `<https://…|text>`. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(link: string) {
  return parseSummary(`Agent Budgets\nSummary\nText.\nBest for: CTO\nLink: ${link}\n`, 'slack.txt', taxonomy);
}

describe('a Slack link on a Link line', () => {
  it.each([
    ['<https://example.com/agent-budgets|Agents Need Budgets>', 'https://example.com/agent-budgets'],
    ['<https://example.com/a?b=1|here>', 'https://example.com/a?b=1'],
  ])('%s gives the address before the bar', (link, url) => {
    const { summary, problems } = load(link);
    expect(problems).toEqual([]);
    expect(summary?.url).toBe(url);
  });

  it('never gives a javascript: address', () => {
    const { summary } = load('<javascript:alert(1)|Agents>');
    expect(summary?.url).toBeUndefined();
  });
});
