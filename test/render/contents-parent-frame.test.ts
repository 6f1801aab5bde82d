import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { loadProject } from '../../src/load/project.js';
import { createRenderer } from '../../src/render/index.js';
import { placeFreeBlocks } from '../../src/render/place-free.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';
import { SAMPLE_READERS, userTemplates } from './_fixtures.js';

/**
 * A contents list whose stories read their section's place through the frame of the loop around
 * them (`{{@_parent.index}}`, `{{#if @_parent.first}}`, as written before `@../index` existed)
 * gets each section's own place in every role set, as when compiled whole.
 */

const HELPERS = new Set(['if', 'unless', 'with', 'each', 'lookup', 'log', 'join', 'repeat']);
const free = (source: string) => placeFreeBlocks([{ path: 'partials/intro.mjml.hbs', source }], HELPERS);

const PARENT_PLACE = (source: string) =>
  source.replace(
    '{{#each items}}<li dir="{{#if rtl}}rtl{{else}}auto{{/if}}"',
    '{{#each items}}<li dir="{{#if rtl}}rtl{{else}}auto{{/if}}" data-n="{{@_parent.index}}{{#if @_parent.last}}l{{/if}}"',
  );

describe('contents entries that read their place through the frame around their stories', () => {
  it('are not taken for blocks free of their place', () => {
    const outer = (body: string) => [...free(`{{#each list}}${body}{{/each}}`)].filter((key) => key.startsWith('1:0:'));
    expect(outer('{{#each items}}{{@_parent.index}}{{/each}}')).toEqual([]);
    expect(outer('{{#each items}}{{#if @_parent.first}}1{{/if}}{{/each}}')).toEqual([]);
    expect(outer('{{#each items}}{{#with @_parent}}{{index}}{{/with}}{{/each}}')).toEqual([]);
    expect(outer('{{#each items}}{{lookup @_parent "last"}}{{/each}}')).toEqual([]);
    expect(outer('{{#each items}}{{@index}}{{@root.labels.x}}{{/each}}')).toHaveLength(1);
  });

  it('get the same bytes as compiled whole in every role set', async () => {
    const base = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const templatesDir = await userTemplates({ 'partials/intro.mjml.hbs': PARENT_PLACE });
    const project = { ...base, config: { ...base.config, templatesDir } };
    const { summaries, manifest } = project.issue;
    const order = effectiveRoleOrder(summaries, manifest.roleOrder ?? []);
    const fast = await createRenderer(project, { mjmlCache: false });
    const whole = await createRenderer(project, { mjmlCache: false, pieces: false });
    // The Security Lead section stands first, second and third, last and not.
    const sets = [
      ['Security Lead', 'Executive'],
      ['CTO', 'Security Lead'],
      ['CTO', 'VP of Engineering/Data', 'Security Lead'],
      ['CTO', 'Security Lead', 'Product Manager'],
    ];
    for (const roles of sets) {
      const variant = buildVariant(summaries, order, roles);
      const a = await fast.compile(variant);
      const b = await whole.compile(variant);
      const html = a.personalise(SAMPLE_READERS[0]!).html;
      const places = [...html.matchAll(/data-n="(\d+)(l?)"/g)].map((m) => `${m[1]}${m[2]}`);
      expect(new Set(places).size).toBe(variant.sections.length);
      for (const reader of SAMPLE_READERS) expect(a.personalise(reader)).toEqual(b.personalise(reader));
    }
    expect(fast.classes!.filled).toBeGreaterThan(1);
  }, 60_000);
});
