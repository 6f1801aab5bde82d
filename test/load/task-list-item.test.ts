import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A task list's items reach readers without their box: "- [ ] Keep warm." read "[ ] Keep warm.". */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...body: string[]) {
  return parseSummary(['# Warm Pools', '', ...body, '', '## Best for', 'CTO'].join('\n'), 'pools.md', taxonomy);
}

describe('a task list item', () => {
  it('loses its box in a list section, ticked or not', () => {
    const { summary } = load(
      '## Summary',
      'Warm workers end cold starts.',
      '',
      '## In practice',
      '- [ ] Keep warm.',
      '- [x] Drain cold pools.',
      '1. [X] Measure weekly.',
    );
    expect(summary?.practice).toEqual(['Keep warm.', 'Drain cold pools.', 'Measure weekly.']);
  });

  it('loses its box in a section read as paragraphs', () => {
    const { summary } = load('## Summary', 'Warm workers end cold starts.', '', '## Key takeaway', '- [ ] Keep warm.');
    expect(summary?.takeaway).toBe('Keep warm.');
  });

  it('keeps brackets that are not a box', () => {
    const { summary } = load(
      '## Summary',
      'Warm workers end cold starts.',
      '',
      '## In practice',
      '- [beta] Keep warm.',
    );
    expect(summary?.practice).toEqual(['[beta] Keep warm.']);
  });
});
