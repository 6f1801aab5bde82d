import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** A Topics section written as a note app's tags: those tags are the topics. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('a tag line under a "## Topics" heading', () => {
  it.each([
    ['#platform', ['platform']],
    ['#platform #infra/containers', ['platform', 'infra/containers']],
  ])('%s is the topics, without a warning', (line, topics) => {
    const { summary, problems } = parseSummary(
      ['# Warm Pools', '', 'Warm workers end cold starts.', '', '## Topics', line, '', '## Best for', 'CTO', ''].join(
        '\n',
      ),
      'note.md',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.topics).toEqual(topics);
  });

  it('in a file with frontmatter is the topics too', () => {
    const { summary, problems } = parseSummary(
      [
        '---',
        'title: Warm Pools',
        'roles: [CTO]',
        '---',
        'Warm workers end cold starts.',
        '',
        '## Topics',
        '#platform',
        '',
      ].join('\n'),
      'note.md',
      taxonomy,
    );
    expect(problems).toEqual([]);
    expect(summary?.topics).toEqual(['platform']);
  });
});
