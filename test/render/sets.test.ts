import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder, type Variant } from '../../src/group/index.js';
import { loadProject, type Project } from '../../src/load/project.js';
import { createFieldTokens } from '../../src/render/_personal.js';
import { type CompiledVariant, createRenderer, type RendererOptions } from '../../src/render/index.js';
import { createSplicedTemplates, reusablePartials, valueReadingPartials } from '../../src/render/splice.js';
import { loadTemplates } from '../../src/render/templates.js';
import { buildView, createSharedViews, type SectionView } from '../../src/render/view.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';
import { fixtureProject, SAMPLE_READERS as readers, SUMMARIES, userTemplates } from './_fixtures.js';

/**
 * Many distinct role sets rendered from shared sections (the default) against the same role sets
 * rendered whole, one variant at a time: every byte a reader gets and every gate problem.
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

function roleOrder(project: Project): string[] {
  const { summaries, manifest } = project.issue;
  return effectiveRoleOrder(summaries, manifest.roleOrder ?? []);
}

function variantOf(project: Project, roles: string[]): Variant {
  return buildVariant(project.issue.summaries, roleOrder(project), roles);
}

/** A non-empty subset of the roles, as a bit mask. */
function roleSet(project: Project) {
  const count = roleOrder(project).length;
  return fc
    .integer({ min: 1, max: 2 ** count - 1 })
    .map((mask) => roleOrder(project).filter((_, bit) => mask & (1 << bit)));
}

/** Renders the same variants through one fast and one whole renderer kept across property runs. */
async function renderers(project: Project, options: RendererOptions = {}) {
  const fast = await createRenderer(project, options);
  const whole = await createRenderer(project, { ...options, pieces: false });
  return async (roles: string[]) => {
    const variant = variantOf(project, roles);
    if (!variant.sections.length) return;
    expectSame(await fast.compile(variant), await whole.compile(variant));
  };
}

describe('role sets rendered from shared sections', () => {
  it('match whole renders byte for byte for random role sets of the example issue, in English and German', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const check = await renderers(project, { languages: ['de'] });
    await fc.assert(
      fc.asyncProperty(fc.array(roleSet(project), { minLength: 1, maxLength: 4 }), async (sets) => {
        for (const roles of sets) await check(roles);
      }),
      { numRuns: 6 },
    );
  }, 240_000);

  it('match whole renders for random role sets with overrides, full cards and tracked clicks', async () => {
    const manifest = {
      overrides: { CTO: { intro: 'Only for CTOs.', subject: 'CTO: {{top}}' }, data: { preheader: 'For data people.' } },
      editorNote: 'A note from the editor.',
    };
    for (const [fixture, options] of [
      [{ summaries: SUMMARIES, manifest }, { cardStyle: 'full' }],
      [
        { summaries: SUMMARIES, config: { tracking: { clicks: true } } },
        { clickSecret: 'click-secret-0123456789abcdef' },
      ],
    ] as [Parameters<typeof fixtureProject>[0], RendererOptions][]) {
      const project = fixtureProject(fixture);
      const check = await renderers(project, options);
      await fc.assert(
        fc.asyncProperty(roleSet(project), async (roles) => check(roles)),
        { numRuns: 10 },
      );
    }
  }, 240_000);

  it('match whole renders when a section partial reads the variant from the root or its parent', async () => {
    const dir = await userTemplates({
      'partials/section.mjml.hbs': (source) =>
        source.replace('{{/if}} · {{count}}', '{{/if}} · {{count}} · {{@root.audience}} · {{../audience}}'),
    });
    const project = fixtureProject({ summaries: SUMMARIES, templatesDir: dir });
    const check = await renderers(project);
    for (const roles of [['CTO'], ['CTO', 'Data'], ['CTO', 'Executive'], ['Architect', 'CTO']]) await check(roles);
    const templates = await loadTemplates(dir);
    expect(reusablePartials(templates.htmlPartials).has('section')).toBe(false);
  }, 120_000);

  it('render a section shared by many variants once', async () => {
    const project = fixtureProject({ summaries: SUMMARIES });
    const templates = await loadTemplates(undefined);
    const spliced = createSplicedTemplates(templates, 'feedc0de');
    const shared = createSharedViews();
    // A reader of Architect alone is left out: with no band, their copy titles its cards one level up.
    const views = [
      ['Architect', 'Product'],
      ['Architect', 'Executive'],
      ['Architect', 'Product', 'Executive'],
    ].map((roles) =>
      buildView(project.config, project.taxonomy, project.issue, variantOf(project, roles), undefined, { shared }),
    );
    const at = views.map((view) => view.sections.findIndex((s) => s.role === 'Architect'));
    const architect = views[0]!.sections[at[0]!]!;
    // The section reads the same in each variant (its cards mark the same roles): one object.
    for (const [i, view] of views.entries()) expect(view.sections[at[i]!]).toBe(architect);
    let reads = 0;
    const heading = architect.heading;
    Object.defineProperty(architect, 'heading', {
      get: () => {
        reads++;
        return heading;
      },
    });
    const sources = views.map((view) => spliced.html(view));
    for (const [i, split] of sources.entries()) {
      expect(split).toBeDefined();
      expect(split!.whole()).toBe(templates.renderHtml(views[i]!));
    }
    // Role sets of two sections share a class: the section is written once per class and read once
    // more as each class's first role set is compared with its assembly inside, and once per variant
    // for the ordinary render each is compared with here.
    const classes = new Set(views.map((view) => view.sections.length)).size;
    expect(classes).toBeLessThan(views.length);
    expect(reads).toBe(2 * classes + views.length);
  });

  it('tell reusable partials from ones that read the variant', async () => {
    const templates = await loadTemplates(undefined);
    // The section reads whether the edition shows bands (none for a reader of one section), so it is
    // filled per role set; a card's loop's own @first/@last (its list of roles) do not key its output.
    expect(reusablePartials(templates.htmlPartials).has('section')).toBe(false);
    expect(reusablePartials(templates.htmlPartials).get('card')).toEqual([]);
    expect(reusablePartials(templates.textPartials).get('card')).toEqual([]);
    const partial = (source: string) => new Map([['p', { path: 'p.hbs', source }]]);
    expect(reusablePartials(partial('{{@root.colours.text}} {{title}}')).has('p')).toBe(true);
    expect(reusablePartials(partial('{{@root.audience}}')).has('p')).toBe(false);
    expect(reusablePartials(partial('{{../audience}}')).has('p')).toBe(false);
    expect(reusablePartials(partial('{{> (lookup . "name")}}')).has('p')).toBe(false);
    expect(reusablePartials(partial('{{#each a}}{{@index}}{{/each}}{{@first}}')).get('p')).toEqual(['first']);
    expect(reusablePartials(partial('{{#each a}}{{@index}}{{else}}{{@last}}{{/each}}')).get('p')).toEqual(['last']);
    expect(reusablePartials(partial('{{#with a}}{{@index}}{{/with}}')).get('p')).toEqual(['index']);
    expect(valueReadingPartials(partial('{{#if a}}{{b.c}}{{/if}}')).get('p')).toEqual([['if'], ['a'], ['b', 'c']]);
    expect(valueReadingPartials(partial('{{#each a}}{{b}}{{/each}}')).has('p')).toBe(false);
    expect(valueReadingPartials(partial('{{this}}')).has('p')).toBe(false);
  });

  it('keep one section object per distinct section and one contents entry per distinct entry across a thousand role sets', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const order = roleOrder(project);
    const shared = createSharedViews();
    const seen = new Set<SectionView>();
    const entries = new Set<object>();
    const { sentinel } = createFieldTokens();
    let placed = 0;
    for (let mask = 1; mask < 2 ** order.length && mask <= 1000; mask++) {
      const roles = order.filter((_, bit) => mask & (1 << bit));
      const variant = variantOf(project, roles);
      const view = buildView(project.config, project.taxonomy, project.issue, variant, sentinel, { shared });
      for (const section of view.sections) seen.add(section);
      for (const entry of view.contents.sections) entries.add(entry);
      placed += view.sections.length;
      // Shared or not, a view reads the same.
      if (mask % 97 === 1)
        expect(view).toEqual(buildView(project.config, project.taxonomy, project.issue, variant, sentinel));
    }
    expect(shared.sections.size).toBe(seen.size);
    // Sections that differ only in which roles their cards mark share their contents entry.
    expect(entries.size).toBe(new Set([...entries].map((entry) => JSON.stringify(entry))).size);
    expect(entries.size).toBeLessThan(seen.size);
    // Thousands of sections placed, from a small number of distinct ones.
    expect(placed).toBeGreaterThan(2000);
    expect(seen.size).toBeLessThan(placed / 10);
  });
});
