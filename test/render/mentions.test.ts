import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder, type Variant } from '../../src/group/index.js';
import { loadProject } from '../../src/load/project.js';
import type { Summary } from '../../src/model/summary.js';
import { keywords } from '../../src/render/_text.js';
import { absentMentions, variantSummaries } from '../../src/render/mentions.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';

/** The check as it reads, worked out from scratch for every variant. */
function reference(text: string, variant: Variant, all: readonly Summary[]): Summary[] {
  const present = variantSummaries(variant);
  const ids = new Set(present.map((s) => s.id));
  const known = new Set<string>();
  for (const s of present)
    for (const word of keywords(
      [s.title, s.summary, s.takeaway, s.insights, ...s.topics, ...s.principles, ...s.practice].join(' '),
    ))
      known.add(word);
  const said = keywords(text);
  return all.filter(
    (s) => !ids.has(s.id) && [...keywords([s.title, ...s.topics].join(' '))].some((w) => said.has(w) && !known.has(w)),
  );
}

describe('absent mentions', () => {
  it('name the same summaries as checking every variant from scratch, for random texts and role sets', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const all = project.issue.summaries;
    const order = effectiveRoleOrder(all, project.issue.manifest.roleOrder ?? []);
    const words = [...new Set(all.flatMap((s) => [s.title, ...s.topics].join(' ').split(/\s+/)))];
    const text = fc
      .array(fc.constantFrom(...words, 'unrelated', 'gateways'), { maxLength: 12 })
      .map((w) => w.join(' '));
    const roles = fc.integer({ min: 1, max: 2 ** order.length - 1 }).map((m) => order.filter((_, b) => m & (1 << b)));
    let named = 0;
    fc.assert(
      fc.property(text, fc.array(roles, { minLength: 1, maxLength: 5 }), (said, sets) => {
        for (const set of sets) {
          const variant = buildVariant(all, order, set);
          const found = absentMentions(said, variant, all);
          expect(found).toEqual(reference(said, variant, all));
          named += found.length;
        }
      }),
      { numRuns: 200 },
    );
    // The texts did name absent stories: the comparison was not only of empty lists.
    expect(named).toBeGreaterThan(0);
  });
});
