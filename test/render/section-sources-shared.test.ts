import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { loadProject, type Project } from '../../src/load/project.js';
import { createFieldTokens } from '../../src/render/_personal.js';
import { createRenderer } from '../../src/render/index.js';
import { partialReads } from '../../src/render/partial-memo.js';
import { createSectionStores } from '../../src/render/section-keep.js';
import { loadTemplates } from '../../src/render/templates.js';
import { buildView, createSharedViews } from '../../src/render/view.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';
import { SAMPLE_READERS, userTemplates } from './_fixtures.js';

/**
 * A section view is met at many places of many role-set classes. The section partial's source for
 * it is written once for every place and class where the partial reads the same frame data and
 * `@root` values, not once per place and class, and every reader still gets the bytes of a whole
 * compile: with the built-in section, and with one that reads its place, a line of the role set
 * and a value of the view through `@root`.
 */

function allSets(project: Project, limit: number): string[][] {
  const order = effectiveRoleOrder(project.issue.summaries, project.issue.manifest.roleOrder ?? []);
  const sets: string[][] = [];
  for (let mask = 1; mask < 2 ** order.length && sets.length < limit; mask++)
    sets.push(order.filter((_, bit) => mask & (1 << bit)));
  return sets;
}

/** Distinct section views the role sets show (views are shared as the renderer shares them). */
function distinctSections(project: Project, sets: string[][]): number {
  const { summaries, manifest } = project.issue;
  const order = effectiveRoleOrder(summaries, manifest.roleOrder ?? []);
  const shared = createSharedViews();
  const seen = new Set<object>();
  const sentinel = createFieldTokens().sentinel;
  for (const roles of sets) {
    const variant = buildVariant(summaries, order, roles);
    for (const section of buildView(project.config, project.taxonomy, project.issue, variant, sentinel, { shared })
      .sections)
      seen.add(section);
  }
  return seen.size;
}

const PLACED = (source: string) =>
  source.replace(
    '{{#each cards}}',
    '<mj-text><p class="rc-at">{{@index}}{{#if @last}} last{{/if}} {{@root.audience}} {{@root.brand.name}}</p></mj-text>\n{{#each cards}}',
  );

describe('a section view met at other places and in other classes', () => {
  it('is written once per frame value and root value the built-in section reads', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const sets = allSets(project, 48);
    const fast = await createRenderer(project, { mjmlCache: false });
    const whole = await createRenderer(project, { mjmlCache: false, pieces: false });
    for (const [k, roles] of sets.entries()) {
      const variant = buildVariant(project.issue.summaries, effectiveRoleOrder(project.issue.summaries, []), roles);
      const a = await fast.compile(variant);
      // Every eighth role set is compared whole, so the test stays quick (test/render/set-frames
      // compares them all).
      if (k % 8) continue;
      const b = await whole.compile(variant);
      for (const reader of SAMPLE_READERS) expect(a.personalise(reader)).toEqual(b.personalise(reader));
    }
    const stats = fast.classes!;
    expect(stats.ordinary).toBe(0);
    // The built-in section reads whether it stands first and whether bands are shown: here at
    // most two sources a view (1.5 on average), where each class and place wrote its own (3.5).
    const views = distinctSections(project, sets);
    expect(stats.sectionsWritten).toBeGreaterThanOrEqual(views);
    expect(stats.sectionsWritten).toBeLessThanOrEqual(2 * views);
  }, 120_000);

  it('gives the bytes of a whole compile when the section reads its place, a line and a view value', async () => {
    const base = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const templatesDir = await userTemplates({ 'partials/section.mjml.hbs': PLACED });
    const project = { ...base, config: { ...base.config, templatesDir } };
    const order = effectiveRoleOrder(project.issue.summaries, project.issue.manifest.roleOrder ?? []);
    const fast = await createRenderer(project, { mjmlCache: false });
    const whole = await createRenderer(project, { mjmlCache: false, pieces: false });
    const sets = [
      ['Security Lead'],
      ['CTO', 'Security Lead'],
      ['Security Lead', 'Executive'],
      ['CTO', 'VP of Engineering/Data', 'Security Lead'],
      ['CTO', 'Security Lead', 'Product Manager'],
      ['VP of Engineering/Data', 'Security Lead'],
      ['CTO', 'VP of Engineering/Data', 'Security Lead', 'Executive'],
    ];
    for (const roles of sets) {
      const variant = buildVariant(project.issue.summaries, order, roles);
      const a = await fast.compile(variant);
      const b = await whole.compile(variant);
      for (const reader of SAMPLE_READERS) expect(a.personalise(reader)).toEqual(b.personalise(reader));
      expect(a.personalise(SAMPLE_READERS[0]!).html).toContain('class="rc-at"');
    }
  }, 60_000);
});

describe('partialReads', () => {
  it('names the frame data and root paths a section reads, and refuses what it cannot key by', async () => {
    const templates = await loadTemplates(join(REPO_ROOT, 'templates'));
    const builtIn = partialReads(templates.htmlPartials, 'section')!;
    expect(builtIn.frame).toEqual(['first']);
    expect(builtIn.root.map((path) => path.join('.'))).toContain('showBands');
    const edited = (source: string) =>
      partialReads(new Map([['section', { ...templates.htmlPartials.get('section')!, source }]]), 'section');
    expect(edited('{{@index}}{{#if @last}}x{{/if}}{{@root.brand.name}}')).toEqual({
      frame: ['index', 'last'],
      root: [['brand', 'name']],
    });
    expect(edited('{{@_parent.index}}')).toBeUndefined();
    expect(edited('{{../heading}}')).toBeUndefined();
    expect(edited('{{#with @root}}{{audience}}{{/with}}')).toBeUndefined();
  });
});

describe('section stores', () => {
  const reads = { frame: ['first'], root: [['showBands'], ['brand', 'name'], ['audience']] };
  const root = (showBands: boolean, name: string) => ({ showBands, brand: { name }, audience: { stand: 'in' } });

  it('are shared by classes whose root values agree, apart by frame value, root value and indent', () => {
    const stores = createSectionStores({ frame: ['first'], root: [['showBands'], ['brand', 'name']] });
    const one = {};
    const two = {};
    const a = stores.storeFor(one, { first: true, root: root(true, 'A') }, '  ');
    expect(stores.storeFor(two, { first: true, root: root(true, 'A') }, '  ')).toBe(a);
    expect(stores.storeFor(one, { first: false, root: root(true, 'A') }, '  ')).not.toBe(a);
    expect(stores.storeFor(two, { first: true, root: root(false, 'A') }, '  ')).not.toBe(a);
    expect(stores.storeFor(two, { first: true, root: root(true, 'B') }, '  ')).not.toBe(a);
    expect(stores.storeFor(two, { first: true, root: root(true, 'A') }, '    ')).not.toBe(a);
  });

  it('stay with their class when the section reads a line of the role set or a value not plain', () => {
    const stores = createSectionStores(reads);
    const one = {};
    const two = {};
    const a = stores.storeFor(one, { first: true, root: root(true, 'A') }, '');
    expect(stores.storeFor(one, { first: true, root: root(true, 'A') }, '')).toBe(a);
    expect(stores.storeFor(two, { first: true, root: root(true, 'A') }, '')).not.toBe(a);
    const through = createSectionStores({ frame: [], root: [['brand', 'name', 'length']] });
    const b = through.storeFor(one, { root: root(true, 'A') }, '');
    expect(through.storeFor(two, { root: root(true, 'B') }, '')).not.toBe(b);
  });

  it('are never shared when the section reads what no key covers', () => {
    const stores = createSectionStores(undefined);
    const one = {};
    expect(stores.storeFor(one, { first: true }, '')).not.toBe(stores.storeFor(one, { first: true }, ''));
  });
});
