import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { loadProject, type Project } from '../../src/load/project.js';
import { createFieldTokens, type FieldValues } from '../../src/render/_personal.js';
import { createPlainText } from '../../src/render/plain-text.js';
import { loadTemplates, type TemplateSet } from '../../src/render/templates.js';
import { joinTexts } from '../../src/render/text-joiner.js';
import { fillText, normaliseText, textShape, textSizer, textSplitter } from '../../src/render/text-template.js';
import { buildView, type CardStyle, createSharedViews } from '../../src/render/view.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';
import { fixtureProject, SUMMARIES, type SummaryInput, userTemplates } from './_fixtures.js';

/**
 * The plain text of a variant joined from kept pieces (text-template.ts) against the ordinary
 * render of the same view, cleaned and split: the same template shape, the same filled text and
 * the same size, for every variant; and the ordinary render wherever the layout cannot be proved
 * to allow pieces.
 */

/** Content the clean-up changes: blanks at line ends, other line breaks, a no-break space last. */
const UNCLEAN: SummaryInput[] = [
  ...SUMMARIES,
  { id: 'blanks', roles: ['CTO', 'Data'], title: 'Trailing blanks   ', takeaway: 'Ends with a tab\t' },
  { id: 'breaks', roles: ['Architect'], summary: 'One\r\nTwo\u2028Three\n\n\n\n\nFour  ', takeaway: 'Ends\u00a0' },
];

function roleOrder(project: Project): string[] {
  return effectiveRoleOrder(project.issue.summaries, project.issue.manifest.roleOrder ?? []);
}

function roleSet(project: Project) {
  const order = roleOrder(project);
  return fc.integer({ min: 1, max: 2 ** order.length - 1 }).map((mask) => order.filter((_, bit) => mask & (1 << bit)));
}

/** Values as a reader's: a long link (wrapped lines) and a non-ASCII name. */
function valuesOf(tokens: ReturnType<typeof createFieldTokens>): FieldValues[] {
  const long = `https://test.example/u?token=${'x'.repeat(90)}`;
  return [
    {
      greetingName: 'Jörg <Müller>',
      dateLine: 'Week 48 · 26 November',
      sentTo: 'This was sent to jörg@example.de.',
      unsubscribe: long,
      preferences: 'https://test.example/p',
      viewOnline: 'https://test.example/archive/2026-W48/',
      sentAt: '1764144000',
      clickVariant: 'Y3RvK2V4ZWN1dGl2ZQ.abcdefghijklmnopqrstuv',
    },
    Object.fromEntries(Object.keys(tokens.sentinel).map((name) => [name, ''])) as FieldValues,
  ];
}

/**
 * Renders each role set's view in each language and card style through one plain-text maker, and
 * checks every template against the ordinary render; returns how often the maker rendered the
 * ordinary way.
 */
async function expectSameText(
  project: Project,
  sets: string[][],
  styles: readonly CardStyle[] = ['compact', 'full'],
  languages: readonly ('en' | 'de')[] = ['en', 'de'],
): Promise<{ views: number; ordinary: number }> {
  const loaded = await loadTemplates(project.config.templatesDir);
  let ordinary = 0;
  const templates: TemplateSet = {
    ...loaded,
    renderText: (view) => {
      ordinary++;
      return loaded.renderText(view);
    },
  };
  let views = 0;
  // One maker for every card style, as the editor edition (full cards) comes first in a render.
  const tokens = createFieldTokens();
  const plain = createPlainText(templates, tokens.split, { pieces: true });
  const reference = textSplitter(tokens.split);
  const size = textSizer();
  const shared = createSharedViews();
  for (const cardStyle of styles) {
    for (const roles of sets) {
      const variant = buildVariant(project.issue.summaries, roleOrder(project), roles);
      if (!variant.sections.length) continue;
      for (const language of languages) {
        const view = buildView(project.config, project.taxonomy, project.issue, variant, tokens.sentinel, {
          language,
          cardStyle,
          shared,
        });
        views++;
        const fast = plain.template(view);
        const expected = reference(normaliseText(loaded.renderText(view)));
        expect(textShape(fast)).toBe(textShape(expected));
        for (const values of valuesOf(tokens)) {
          const text = fillText(fast, values);
          expect(text).toBe(fillText(expected, values));
          expect(size(fast, values)).toBe(Buffer.byteLength(text));
        }
      }
    }
  }
  return { views, ordinary };
}

describe('plain text joined from kept pieces', () => {
  it('matches the ordinary render for random role sets of the example issue, both card styles, English and German', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    await fc.assert(
      fc.asyncProperty(fc.array(roleSet(project), { minLength: 5, maxLength: 12 }), async (sets) => {
        const { views, ordinary } = await expectSameText(project, sets);
        // Only the first variant of each language is rendered the ordinary way.
        expect(ordinary).toBeLessThanOrEqual(2);
        expect(views).toBeGreaterThan(ordinary);
      }),
      { numRuns: 8 },
    );
  }, 240_000);

  it('matches when content leaves blanks at line ends, other line breaks and runs of blank lines', async () => {
    const project = fixtureProject({ summaries: UNCLEAN });
    const sets = fc.sample(roleSet(project), { numRuns: 30, seed: 7 });
    const { ordinary } = await expectSameText(project, sets);
    expect(ordinary).toBeLessThanOrEqual(2);
  }, 120_000);

  it('matches when the layout leaves blanks and blank-line runs where pieces join', async () => {
    const dir = await userTemplates({
      'digest.txt.hbs': (source) =>
        source
          .replace('{{#each sections}}\n', '{{#each sections}}\n   \n\n\n\n \t\n')
          .replace('== {{heading}} · {{count}} ==', '== {{heading}} · {{count}} ==  \t')
          .replace('{{/each}}\n{{/each}}\n', '{{/each}}\n  \n\n\n\n\n{{/each}}\n  \n')
          .replace('  * {{title}}', '  * {{title}}   ')
          .replace('{{#each contents.sections}}', '{{#each contents.sections}}{{#if @first}}\n\n\n\n{{/if}}'),
      'partials/card.txt.hbs': (source) => `\n\n\n\n  ${source.replace('## {{title}}', '## {{title}}  ')}   \n\n\n\n`,
    });
    const project = fixtureProject({ summaries: UNCLEAN, templatesDir: dir });
    const sets = fc.sample(roleSet(project), { numRuns: 25, seed: 11 });
    const { ordinary } = await expectSameText(project, sets);
    expect(ordinary).toBeLessThanOrEqual(2);
  }, 120_000);

  it('matches when pieces start and end the text and need trimming there', async () => {
    const dir = await userTemplates({
      'digest.txt.hbs': () =>
        '{{#each sections}}\n\n \u00a0 {{heading}}\n{{#each cards}}\n{{> card}}\n{{/each}}\n{{/each}}\n{{greeting}}\n' +
        '{{#each contents.sections}}\n-\n{{heading}} \u00a0\n\n\n\n{{/each}}\n',
    });
    const project = fixtureProject({ summaries: SUMMARIES, templatesDir: dir });
    await expectSameText(project, fc.sample(roleSet(project), { numRuns: 15, seed: 3 }));
  }, 120_000);

  it('reads loop data and @root values into the key of a kept block', async () => {
    const dir = await userTemplates({
      'digest.txt.hbs': (source) =>
        source
          .replace('== {{heading}} · {{count}} ==', '== {{heading}} · {{count}} · {{@root.audience}} · {{@index}} ==')
          .replace('  * {{title}}', '  * {{title}}{{#if @last}} (last){{/if}}'),
    });
    const project = fixtureProject({ summaries: SUMMARIES, templatesDir: dir });
    const { ordinary } = await expectSameText(project, fc.sample(roleSet(project), { numRuns: 20, seed: 5 }));
    expect(ordinary).toBeLessThanOrEqual(2);
    // Many more audiences than a section keeps output for: the rest are written each time.
    const example = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    example.config.templatesDir = await userTemplates({
      'digest.txt.hbs': (source) =>
        source.replace('== {{heading}} · {{count}} ==', '== {{heading}} · {{@root.audience}} =='),
    });
    const sets = roleOrder(example).flatMap((role, i, order) => [
      [role],
      ...order.slice(i + 1).map((other) => [role, other]),
    ]);
    const many = await expectSameText(
      example,
      [...sets, ...fc.sample(roleSet(example), { numRuns: 160, seed: 5 })],
      ['compact'],
      ['en'],
    );
    expect(many.views).toBeGreaterThan(160);
    expect(many.ordinary).toBe(1);
  }, 180_000);

  it('renders the ordinary way every variant of a layout whose blocks read outside their element', async () => {
    for (const edit of [
      (source: string) => source.replace('== {{heading}} · {{count}} ==', '== {{heading}} · {{../audience}} =='),
      (source: string) => source.replace('{{/each}}\n{{/each}}', '{{/each}}\n{{/each}}\n{{join sections}}'),
      (source: string) => `{{#*inline "card"}}{{title}}{{/inline}}\n${source}`,
    ]) {
      const dir = await userTemplates({ 'digest.txt.hbs': edit });
      const project = fixtureProject({ summaries: SUMMARIES, templatesDir: dir });
      const { views, ordinary } = await expectSameText(project, fc.sample(roleSet(project), { numRuns: 8, seed: 9 }), [
        'compact',
      ]);
      expect(views).toBeGreaterThan(4);
      expect(ordinary).toBe(views);
    }
  }, 120_000);
});

describe('joining cleaned pieces', () => {
  it('gives the template of the joined text cleaned and split whole, wherever the joins fall', () => {
    const tokens = createFieldTokens('feed');
    const split = textSplitter(tokens.split);
    const values = valuesOf(tokens)[0]!;
    const bit = fc.constantFrom(
      ' ',
      '\t',
      '\n',
      '\n\n\n\n',
      'a',
      'word ',
      '\u00a0',
      '\r',
      '\u2028',
      '  * ',
      tokens.sentinel.greetingName,
      `${'long '.repeat(20)}`,
    );
    const text = fc.array(bit, { maxLength: 12 }).map((bits) => bits.join(''));
    let joined = 0;
    fc.assert(
      fc.property(
        fc.array(text, { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 }),
        (texts, groups) => {
          const template = joinTexts(texts, tokens.split, groups);
          if (template === undefined) return;
          joined++;
          const expected = split(normaliseText(texts.join('')));
          expect(textShape(template)).toBe(textShape(expected));
          expect(fillText(template, values)).toBe(fillText(expected, values));
        },
      ),
      { numRuns: 3000 },
    );
    expect(joined).toBeGreaterThan(1000);
  });
});
