import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { loadProject, type Project } from '../../src/load/project.js';
import { type CompiledVariant, createRenderer, type RendererOptions } from '../../src/render/index.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';
import { fixtureProject, generatedSummaries, SAMPLE_READERS as readers, roleSets } from './_fixtures.js';

/**
 * Many random role sets compiled from kept pieces (classes, kept sections, their gates) against
 * the same role sets compiled whole, one at a time: every byte a reader gets, every size and every
 * gate problem. Once on the example issue, once on a generated issue of 40 summaries over 15 roles.
 */

function expectSame(fast: CompiledVariant, whole: CompiledVariant) {
  expect(fast.subject).toBe(whole.subject);
  expect(fast.problems).toEqual(whole.problems);
  expect([fast.htmlBytes, fast.textBytes, fast.encodedHtmlBytes, fast.encodedBytes]).toEqual([
    whole.htmlBytes,
    whole.textBytes,
    whole.encodedHtmlBytes,
    whole.encodedBytes,
  ]);
  for (const reader of readers) expect(fast.personalise(reader)).toEqual(whole.personalise(reader));
}

async function compareSets(project: Project, sets: string[][], options: RendererOptions = {}) {
  const fast = await createRenderer(project, options);
  const whole = await createRenderer(project, { ...options, pieces: false });
  const order = effectiveRoleOrder(project.issue.summaries, project.issue.manifest.roleOrder ?? []);
  let compared = 0;
  for (const roles of sets) {
    const variant = buildVariant(project.issue.summaries, order, roles);
    if (!variant.sections.length) continue;
    expectSame(await fast.compile(variant), await whole.compile(variant));
    compared++;
  }
  return { compared, classes: fast.classes! };
}

describe('random role sets compiled from kept pieces and compiled whole', () => {
  it('give the same bytes, sizes and problems on the example issue', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const sets = roleSets(project, 16, 11);
    // Again in reverse: by then most sections were kept and the role sets are put together from them.
    const { compared, classes } = await compareSets(project, [...sets, ...sets.reverse()]);
    expect(compared).toBe(32);
    expect(classes.ordinary).toBe(0);
    expect(classes.composed).toBeGreaterThan(0);
  }, 120_000);

  it('give the same bytes, sizes and problems on an issue of 40 summaries over 15 roles, clicks tracked', async () => {
    const project = fixtureProject({ summaries: generatedSummaries(), config: { tracking: { clicks: true } } });
    const sets = roleSets(project, 12, 23);
    const { compared, classes } = await compareSets(project, [...sets, ...sets.reverse()], {
      clickSecret: 'click-secret-0123456789abcdef',
    });
    expect(compared).toBe(24);
    expect(classes.ordinary).toBe(0);
    expect(classes.composed).toBeGreaterThan(0);
  }, 120_000);
});
