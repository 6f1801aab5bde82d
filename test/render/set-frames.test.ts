import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder, type Variant } from '../../src/group/index.js';
import { loadProject, type Project } from '../../src/load/project.js';
import { type CompiledVariant, createRenderer, type Renderer } from '../../src/render/index.js';
import { minifyHtml, minifyPiece } from '../../src/render/minify.js';
import { joinMinified, type Piece } from '../../src/render/set-join.js';
import { buildView } from '../../src/render/view.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';
import { fixtureProject, SAMPLE_READERS as readers, SUMMARIES, userTemplates } from './_fixtures.js';

/**
 * Role sets filled from a class's stand-in render, against the same role sets compiled whole: the
 * class path must give every reader the same bytes, and must step aside for templates it cannot
 * fill.
 */

function roleOrder(project: Project): string[] {
  return effectiveRoleOrder(project.issue.summaries, project.issue.manifest.roleOrder ?? []);
}

function variantOf(project: Project, roles: string[]): Variant {
  return buildVariant(project.issue.summaries, roleOrder(project), roles);
}

function expectSame(fast: CompiledVariant, whole: CompiledVariant) {
  expect(fast.subject).toBe(whole.subject);
  expect(fast.problems).toEqual(whole.problems);
  expect([fast.htmlBytes, fast.textBytes]).toEqual([whole.htmlBytes, whole.textBytes]);
  for (const reader of readers) expect(fast.personalise(reader)).toEqual(whole.personalise(reader));
}

/** Every non-empty role set of the first `count` masks, compiled both ways. */
async function compareAll(project: Project, sets: string[][]): Promise<Renderer> {
  const fast = await createRenderer(project);
  const whole = await createRenderer(project, { pieces: false });
  for (const roles of sets) {
    const variant = variantOf(project, roles);
    if (!variant.sections.length) continue;
    expectSame(await fast.compile(variant), await whole.compile(variant));
  }
  return fast;
}

function allSets(project: Project, limit: number): string[][] {
  const order = roleOrder(project);
  const sets: string[][] = [];
  for (let mask = 1; mask < 2 ** order.length && sets.length < limit; mask++) {
    sets.push(order.filter((_, bit) => mask & (1 << bit)));
  }
  return sets;
}

describe('role sets filled from their class', () => {
  it('give every reader the bytes of a whole compile, with far fewer classes than role sets', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const fast = await compareAll(project, allSets(project, 40));
    const classes = fast.classes!;
    expect(classes.filled).toBeGreaterThanOrEqual(39);
    expect(classes.ordinary).toBe(0);
    // A class per number of sections (and editor edition or not), not per role set.
    expect(classes.classes).toBeLessThan(classes.filled / 3);
  }, 240_000);

  it('put later role sets together from kept sections and still give the bytes of a whole compile', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    // Every role set of the first 120 masks, then the same sets in a new order: by then most of
    // their sections were met in their class's frame and are put in without assembling.
    const sets = allSets(project, 120);
    const fast = await compareAll(project, [...sets, ...sets.reverse()]);
    const { composed, filled, ordinary } = fast.classes!;
    expect(ordinary).toBe(0);
    expect(composed).toBeGreaterThan(filled / 2);
  }, 240_000);

  it('put a section in that its class has not met yet without assembling the role set, and still match', async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    // Each role set once: many bring a section (or a section with other roles marked) that no
    // earlier role set of their class held. Only a class's first role set is assembled, and its
    // second compared with its assembly; every later one is put together from kept pieces.
    const fast = await compareAll(project, allSets(project, 120));
    const { classes, composed, filled, ordinary } = fast.classes!;
    expect(ordinary).toBe(0);
    expect(composed).toBe(filled - 2 * classes);
  }, 240_000);

  it("keep a role set's own lines apart in its message's pieces, so the text around them stays shared", async () => {
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const renderer = await createRenderer(project);
    for (const roles of allSets(project, 6)) {
      const variant = variantOf(project, roles);
      if (!variant.sections.length) continue;
      const view = buildView(project.config, project.taxonomy, project.issue, variant);
      const pieces = (await renderer.compile(variant)).template!(readers[0]!).htmlChunks!.flat();
      // The lead and the preheader (before its long padding) are pieces of their own.
      expect(pieces).toContain(Handlebars.Utils.escapeExpression(view.issue.lead));
      expect(pieces).toContain(Handlebars.Utils.escapeExpression(view.issue.preheader!));
    }
    expect(renderer.classes!.filled).toBeGreaterThan(0);
  });

  it('match whole compiles for random role sets with overrides, full cards and tracked clicks', async () => {
    const manifest = {
      overrides: { CTO: { intro: 'Only for CTOs.', subject: 'CTO: {{top}}' }, Data: { preheader: 'For data people.' } },
      editorNote: 'A note from the editor.',
    };
    const order = ['CTO', 'Architect', 'Product', 'Data', 'Executive'];
    const roleSet = fc
      .integer({ min: 1, max: 2 ** order.length - 1 })
      .map((mask) => order.filter((_, bit) => mask & (1 << bit)));
    for (const [fixture, options] of [
      [{ summaries: SUMMARIES, manifest }, { cardStyle: 'full' as const }],
      [
        { summaries: SUMMARIES, config: { tracking: { clicks: true } } },
        { clickSecret: 'click-secret-0123456789abcdef' },
      ],
    ] as const) {
      const project = fixtureProject(fixture);
      const fast = await createRenderer(project, options);
      const whole = await createRenderer(project, { ...options, pieces: false });
      await fc.assert(
        fc.asyncProperty(fc.array(roleSet, { minLength: 1, maxLength: 5 }), async (sets) => {
          for (const roles of sets) {
            const variant = variantOf(project, roles);
            if (variant.sections.length) expectSame(await fast.compile(variant), await whole.compile(variant));
          }
        }),
        { numRuns: 8 },
      );
      expect(fast.classes!.filled).toBeGreaterThan(0);
    }
  }, 240_000);

  it('leave a line with irregular white space to the ordinary compile, and still match', async () => {
    const project = fixtureProject({
      summaries: SUMMARIES,
      manifest: { overrides: { Data: { intro: 'Two lines\nfor data  people.' } } },
    });
    const fast = await compareAll(project, [['CTO'], ['Data'], ['CTO', 'Data'], ['Executive']]);
    expect(fast.classes!.ordinary).toBe(2);
    expect(fast.classes!.filled).toBe(2);
  }, 120_000);

  /** The built-in header names the audience in the editor edition only; these templates print it for every role set. */
  const everyAudience = (header: string) =>
    header.replace('{{#if isEditorEdition}} · {{audience}}{{/if}}', ' · {{audience}}');

  const unfillable: [string, string, (source: string) => string][] = [
    [
      'reads a line as more than text',
      'partials/header.mjml.hbs',
      (s) => everyAudience(s).replace('{{audience}}', '{{audience.length}}'),
    ],
    [
      'prints a line unescaped',
      'partials/header.mjml.hbs',
      (s) => everyAudience(s).replace('{{audience}}', '{{{audience}}}'),
    ],
    [
      'looks a line up as a key',
      'partials/header.mjml.hbs',
      (s) => everyAudience(s).replace('{{audience}}', '{{lookup labels audience}}'),
    ],
    [
      'reads a section outside the section partial',
      'digest.mjml.hbs',
      (s) =>
        s.replace(
          '{{> footer}}',
          '<mj-section><mj-column><mj-text>{{sections.[0].heading}}</mj-text></mj-column></mj-section>\n    {{> footer}}',
        ),
    ],
    [
      'reads a section beside the section partial',
      'digest.mjml.hbs',
      (s) => s.replace('{{> section}}', '<mj-text>{{heading}}</mj-text>\n        {{> section}}'),
    ],
  ];
  for (const [what, file, edit] of unfillable) {
    it(`compile the ordinary way when a template ${what}`, async () => {
      const dir = await userTemplates({ [file]: edit });
      const project = fixtureProject({ summaries: SUMMARIES, templatesDir: dir });
      const fast = await compareAll(project, [['CTO'], ['Data'], ['CTO', 'Data'], ['Architect', 'Executive']]);
      expect(fast.classes!.filled).toBe(0);
      expect(fast.classes!.ordinary).toBe(4);
    }, 120_000);
  }

  it('fill a list block whose elements join with a space kept, by minifying its segment again', async () => {
    // Entries as inline text, one space apart: the joins keep a space, so pieces cannot be cut there.
    const dir = await userTemplates({
      'partials/intro.mjml.hbs': (s) =>
        s.replace(
          '{{greeting}}</mj-text>',
          '{{greeting}} {{#each contents.sections}} <b>{{heading}}</b> {{/each}} end</mj-text>',
        ),
    });
    const project = fixtureProject({ summaries: SUMMARIES, templatesDir: dir });
    const fast = await compareAll(project, [['CTO'], ['Data'], ['CTO', 'Data'], ['Architect', 'Executive', 'Product']]);
    expect(fast.classes!.filled).toBe(4);
  }, 120_000);

  it('gate a line in a link or an image by its own value, and lines in text from their class', async () => {
    // The audience line in a quoted href, an unquoted one and an image's alt: each role set's own
    // value decides those gates, as in a whole compile. The titles, with non-ASCII and markup, reach
    // the subject, lead and preheader lines, which sit in text: their sizes are added to the class's.
    const dir = await userTemplates({
      'partials/header.mjml.hbs': (s) =>
        everyAudience(s).replace(
          '{{issue.dateLine}} · {{audience}}',
          '{{issue.dateLine}} · {{audience}} <a href="{{audience}}">a</a> <a href=https://example.com/{{audience}}>b</a> <img src="https://example.com/i.png" alt="{{audience}}">',
        ),
    });
    const summaries = SUMMARIES.map((summary, i) =>
      i < 2 ? { ...summary, title: `Über gateways 🚪 ${i} href=javascript:alert(1) <b>"x"</b> =` } : summary,
    );
    const project = fixtureProject({ summaries, templatesDir: dir });
    const sets = [
      ['CTO'],
      ['Data'],
      ['CTO', 'Data'],
      ['Architect', 'Executive', 'Product'],
      ['Product'],
      ['Architect'],
    ];
    const fast = await compareAll(project, sets);
    expect(fast.classes!.filled).toBe(sets.length);
    // Each role set's audience is its own link: a whole compile names it in the link gate.
    const problems = (await fast.compile(variantOf(project, ['Data']))).problems.map((p) => p.message);
    expect(problems).toContain('href "For Data" is not an http(s) or mailto link');
  }, 120_000);
});

describe('minified pieces joined', () => {
  const fragment = fc.constantFrom(
    '<p>',
    '</p>',
    '<ul>',
    '</ul>',
    '<li>x</li>',
    '<b>',
    '</b>',
    'word',
    'two words',
    ' ',
    '\n  ',
    '<br>',
    '<span class="a">',
    '</span>',
    '<td>',
    '</td>',
    '<!-- note -->',
  );
  it('equal the minified raw join whenever they join at all', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fragment, { maxLength: 6 }).map((parts) => parts.join('')),
          { minLength: 1, maxLength: 5 },
        ),
        (raws) => {
          const pieces: Piece[] = raws.map(minifyPiece);
          const joined = joinMinified(pieces);
          if (joined) expect(joined.join('')).toBe(minifyHtml(raws.join('')));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('join pieces that meet at a block-level tag and refuse text that keeps a space', () => {
    const piece = minifyPiece;
    expect(joinMinified([piece('<p>a</p>\n'), piece('  <ul><li>b</li></ul>')])).toEqual([
      '<p>a</p>',
      '<ul><li>b</li></ul>',
    ]);
    expect(joinMinified([piece('<b>a</b> '), piece('text')])).toBeUndefined();
    expect(joinMinified([piece('<b>a</b>'), piece('text')])).toEqual(['<b>a</b>', 'text']);
  });
});
