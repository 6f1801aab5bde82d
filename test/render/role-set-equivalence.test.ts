import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { loadProject, type Project } from '../../src/load/project.js';
import { type CompiledVariant, createRenderer, type RendererOptions } from '../../src/render/index.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';
import { fixtureProject, SAMPLE_READERS as readers, type SummaryInput } from './_fixtures.js';

/**
 * Many random role sets compiled from kept pieces (classes, kept sections, their gates) against
 * the same role sets compiled whole, one at a time: every byte a reader gets, every size and every
 * gate problem. Once on the example issue, once on a generated issue of 40 summaries over 15 roles.
 */

const ROLES = Array.from({ length: 15 }, (_, i) => `Role ${String.fromCharCode(65 + i)}`);

/** The same numbers every run. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

/** 40 summaries, each for one to four of the 15 roles, of every card shape. */
function generatedSummaries(): SummaryInput[] {
  const random = lcg(7);
  return Array.from({ length: 40 }, (_, i) => {
    const roles = ROLES.filter(() => random() < 0.15);
    if (roles.length === 0) roles.push(ROLES[i % ROLES.length]!);
    return {
      id: `story-${i}`,
      roles: roles.slice(0, 4),
      title: `Story ${i}: ${['Caching', 'Gateways', 'Evals', 'Pricing', 'On-call'][i % 5]} at scale`,
      summary: i % 3 === 0 ? `First paragraph of ${i}.\n\nSecond paragraph of ${i}.` : `Summary of story ${i}.`,
      ...(i % 2 === 0 ? { url: `https://example.com/story/${i}` } : {}),
      ...(i % 4 === 1 ? { insights: `Insight ${i} pays off.`, topics: ['Costs', 'Latency'] } : {}),
      ...(i % 5 === 2 ? { principles: ['Small bets'], practice: ['Measure', 'Ship'] } : {}),
      ...(i % 7 === 3 ? { source: 'Field Notes' } : {}),
    };
  });
}

function roleSets(project: Project, count: number, seed: number): string[][] {
  const order = effectiveRoleOrder(project.issue.summaries, project.issue.manifest.roleOrder ?? []);
  const random = lcg(seed);
  return Array.from({ length: count }, () => {
    const roles = order.filter(() => random() < 0.3);
    return roles.length ? roles : [order[0]!];
  });
}

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
