import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A note app's tag line (Bear: `#engineering #infra/caching`) in a Markdown summary. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

function load(...lines: string[]) {
  return parseSummary(lines.join('\n'), 'bear.md', taxonomy);
}

describe('a tag line in a Markdown summary', () => {
  it('under the title is the topics, not the summary text', () => {
    const { summary, problems } = load(
      '# Warm Pools',
      '#platform #infra/containers',
      '',
      'Keeping a few warm workers ends cold starts.',
      '',
      '## Best for',
      'CTO',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Keeping a few warm workers ends cold starts.');
    expect(summary?.topics).toEqual(['platform', 'infra/containers']);
  });

  it('below the frontmatter is the topics too', () => {
    const { summary, problems } = load(
      '---',
      'title: Warm Pools',
      'roles: [CTO]',
      '---',
      'Warm workers end cold starts.',
      '',
      '#platform',
    );
    expect(problems).toEqual([]);
    expect(summary?.summary).toBe('Warm workers end cold starts.');
    expect(summary?.topics).toEqual(['platform']);
  });

  it('beside a Topics section is left out with a warning naming its line', () => {
    const { summary, problems } = load(
      '# Warm Pools',
      '#platform',
      '',
      'Warm workers end cold starts.',
      '',
      '## Topics',
      '- Serverless',
      '',
      '## Best for',
      'CTO',
    );
    expect(summary?.summary).toBe('Warm workers end cold starts.');
    expect(summary?.topics).toEqual(['Serverless']);
    expect(problems).toEqual([expect.objectContaining({ severity: 'warning', line: 2, field: 'topics' })]);
  });

  it.each(['#1 priority is latency.', '#platform teams own this.'])('%s is text, as written', (line) => {
    const { summary } = load('# Warm Pools', '', 'Warm workers end cold starts.', line, '', '## Best for', 'CTO');
    expect(summary?.summary).toBe(`Warm workers end cold starts. ${line}`);
  });
});
