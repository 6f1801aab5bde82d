import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Inputs the property-based suite (test/fuzz) found mishandled, kept as plain regression tests. */
const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

describe('odd keys in summaries', () => {
  it('a "__proto__" frontmatter key is reported on its own line, not as [object Object]', () => {
    const text = '---\n__proto__:\ntitle: T\nroles: CTO\n---\nBody text.';
    const { summary, problems } = parseSummary(text, 'a.md', taxonomy);
    expect(summary?.title).toBe('T');
    const warning = problems.find((p) => p.field === '__proto__');
    expect(warning?.line).toBe(2);
  });
});
