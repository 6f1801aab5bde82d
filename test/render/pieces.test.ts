import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder, planAudience, type Variant } from '../../src/group/index.js';
import { loadProject, type Project } from '../../src/load/project.js';
import { createRenderer, type RendererOptions } from '../../src/render/index.js';
import { compileMjml } from '../../src/render/mjml.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';
import { fixtureProject, SAMPLE_READERS as readers, type SummaryInput, userTemplates } from './_fixtures.js';

/**
 * Variants assembled from compiled pieces against the same variants compiled whole: every byte a
 * reader gets, every gate problem, and the number of MJML runs each way.
 */

function counted(): { count: () => number; options: Pick<RendererOptions, 'compileMjml'> } {
  let runs = 0;
  return {
    count: () => runs,
    options: {
      compileMjml: (source, templates) => {
        runs++;
        return compileMjml(source, templates);
      },
    },
  };
}

/** Compiles the variants both ways and expects identical messages and problems. */
async function expectSameBothWays(project: Project, variants: Variant[], options: RendererOptions = {}) {
  const whole = counted();
  const pieces = counted();
  const oldWay = await createRenderer(project, { ...options, ...whole.options, pieces: false });
  const newWay = await createRenderer(project, { ...options, ...pieces.options });
  for (const variant of variants) {
    const a = await oldWay.compile(variant);
    const b = await newWay.compile(variant);
    expect(b.subject).toBe(a.subject);
    expect(b.problems).toEqual(a.problems);
    expect([b.htmlBytes, b.textBytes, b.encodedHtmlBytes]).toEqual([a.htmlBytes, a.textBytes, a.encodedHtmlBytes]);
    for (const reader of readers) expect(b.personalise(reader)).toEqual(a.personalise(reader));
  }
  return { wholeRuns: whole.count(), pieceRuns: pieces.count() };
}

/** Every non-empty subset of the roles, as variants (the editor edition first). */
function everyRoleSet(project: Project): Variant[] {
  const { summaries, manifest } = project.issue;
  const order = effectiveRoleOrder(summaries, manifest.roleOrder ?? []);
  const sets: Variant[] = [buildVariant(summaries, order, undefined)];
  for (let mask = 1; mask < 1 << order.length; mask++) {
    const roles = order.filter((_, bit) => mask & (1 << bit));
    if (buildVariant(summaries, order, roles).sections.length) sets.push(buildVariant(summaries, order, roles));
  }
  return sets;
}

const SUMMARIES: SummaryInput[] = [
  { id: 'gateway', roles: ['CTO', 'Architect'], url: 'https://example.com/gateway', insights: 'Gateways pay off.' },
  {
    id: 'pricing',
    roles: ['Product', 'CTO'],
    principles: ['Small bets'],
    practice: ['Test', 'Learn', 'Ship', 'Repeat'],
  },
  { id: 'evals', roles: ['Architect', 'Data'], url: 'https://example.com/evals', topics: ['Evals', 'Quality'] },
  { id: 'board', roles: ['Executive'], source: 'Board Review' },
  { id: 'oncall', roles: ['Data', 'Executive', 'CTO'], summary: 'First paragraph.\n\nSecond paragraph.' },
];

describe('variants assembled from compiled pieces', () => {
  it('match whole compiles for every variant of the example issue, in English and German', async () => {
    const project = await loadProject({
      issueDir: EXAMPLE_ISSUE,
      subscribersFile: join(REPO_ROOT, 'subscribers.example.json'),
      cwd: REPO_ROOT,
    });
    const plan = planAudience(project.issue.summaries, project.issue.manifest.roleOrder ?? [], project.subscribers!);
    const runs = await expectSameBothWays(project, [plan.editor, ...plan.variants], { languages: ['de'] });
    // Whole: one run per variant and language. Pieces: per language, one frame run and one check.
    expect(runs.wholeRuns).toBe(2 * (plan.variants.length + 1));
    expect(runs.pieceRuns).toBeLessThanOrEqual(6);
  });

  it('match whole compiles for every role set, with compact and full cards, overrides and tracked clicks', async () => {
    const manifest = {
      overrides: {
        CTO: { intro: 'Only for CTOs.', subject: 'CTO: {{top}}' },
        'architect+data': { preheader: 'For architects and data people.' },
      },
      editorNote: 'A note from the editor.',
    };
    const variations: [Parameters<typeof fixtureProject>[0], RendererOptions][] = [
      [{ summaries: SUMMARIES, manifest }, { cardStyle: 'compact' }],
      [{ summaries: SUMMARIES, manifest }, { cardStyle: 'full' }],
      [
        { summaries: SUMMARIES, config: { tracking: { clicks: true } } },
        { clickSecret: 'click-secret-0123456789abcdef' },
      ],
      [
        {
          summaries: SUMMARIES,
          config: { locale: 'de-DE', brand: { ...brand(), logoUrl: 'https://x.example/l.png' } },
        },
        { languages: ['en'] },
      ],
    ];
    for (const [fixture, options] of variations) {
      const project = fixtureProject(fixture);
      // All 32 role sets for the first; a dozen each for the rest keeps the test quick.
      const variants = everyRoleSet(project).slice(0, fixture === variations[0]![0] ? undefined : 12);
      const runs = await expectSameBothWays(project, variants, options);
      expect(runs.wholeRuns).toBe(variants.length * (options.languages ? 2 : 1));
      expect(runs.pieceRuns).toBeLessThan(variants.length);
    }
  });

  it('need MJML runs per layout shape, not per role set: 31 role sets, a handful of runs', async () => {
    const project = fixtureProject({ summaries: SUMMARIES });
    const variants = everyRoleSet(project);
    expect(variants.length).toBe(32);
    const pieces = counted();
    const renderer = await createRenderer(project, pieces.options);
    for (const variant of variants) await renderer.compile(variant);
    // A frame run, a whole compile that checks it, and one more run for a child shape seen later.
    expect(pieces.count()).toBeGreaterThanOrEqual(2);
    expect(pieces.count()).toBeLessThanOrEqual(4);
  });

  it('report gate problems per variant, as whole compiles do', async () => {
    // A card template that writes a non-web link for stories with insights: only "bad" has them.
    const dir = await userTemplates({
      'partials/card.mjml.hbs': (card) =>
        `${card}\n<mj-text>{{#if teaser}}<a href="ftp://files.example/{{id}}">files</a>{{/if}}</mj-text>`,
    });
    const project = fixtureProject({
      summaries: [
        { id: 'fine', roles: ['CTO'], url: 'https://example.com/fine' },
        { id: 'bad', roles: ['Executive'], url: 'https://example.com/bad', insights: 'Has a teaser.' },
      ],
      config: { sizeWarnKb: 1 },
      templatesDir: dir,
    });
    const variants = everyRoleSet(project);
    await expectSameBothWays(project, variants);
    const renderer = await createRenderer(project);
    const [cto, exec] = [variants.find((v) => v.id === 'cto')!, variants.find((v) => v.id === 'executive')!];
    const ctoProblems = (await renderer.compile(cto)).problems;
    const execProblems = (await renderer.compile(exec)).problems;
    expect(ctoProblems.some((p) => p.message.includes('ftp:'))).toBe(false);
    expect(execProblems).toContainEqual(
      expect.objectContaining({
        field: 'variant executive',
        message: expect.stringContaining('ftp://files.example/bad'),
      }),
    );
    expect(ctoProblems).toContainEqual(
      expect.objectContaining({ field: 'variant cto', message: expect.stringContaining('warning threshold') }),
    );
  });

  it('fall back to whole compiles when a template’s pieces do not reproduce the whole', async () => {
    // An MJML run that numbers its rows: pieces compiled together are numbered differently than in place.
    let runs = 0;
    const numbering: RendererOptions['compileMjml'] = async (source, templates) => {
      runs++;
      const result = await compileMjml(source, templates);
      let row = 0;
      return { ...result, html: result.html.replace(/<tr>/g, () => `<tr data-row="${row++}">`) };
    };
    const project = fixtureProject({ summaries: SUMMARIES });
    const variants = everyRoleSet(project).slice(0, 6);
    const oldWay = await createRenderer(project, { compileMjml: numbering, pieces: false });
    const newWay = await createRenderer(project, { compileMjml: numbering });
    for (const variant of variants) {
      const expected = (await oldWay.compile(variant)).personalise(readers[0]!);
      expect((await newWay.compile(variant)).personalise(readers[0]!)).toEqual(expected);
      expect(expected.html).toContain('data-row="1"');
    }
    // Old way: one per variant; new way: the frame, its failed check, then one whole run per variant
    // after, and one more per role-set class, whose first variant is also compiled the ordinary way.
    const classes = newWay.classes!.classes;
    expect(classes).toBeGreaterThan(0);
    expect(runs).toBe(variants.length + 1 + variants.length + classes);
  });

  it('keep working with user templates, including a card partial with its own markup', async () => {
    const dir = await userTemplates({
      'partials/card.mjml.hbs': (card) =>
        `${card}\n<mj-divider border-width="1px" padding="0 0 8px"></mj-divider>\n<mj-text padding="0 0 4px">{{title}}</mj-text>`,
    });
    const project = fixtureProject({ summaries: SUMMARIES, templatesDir: dir });
    const runs = await expectSameBothWays(project, everyRoleSet(project).slice(0, 8));
    expect(runs.wholeRuns).toBe(8);
  });
});

function brand() {
  return { name: 'Test Weekly', primaryColor: '#1f3a5f', accentColor: '#e8590c', backgroundColor: '#f3f4f6' };
}
