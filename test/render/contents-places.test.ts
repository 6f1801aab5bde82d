import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { loadProject } from '../../src/load/project.js';
import { createRenderer } from '../../src/render/index.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';
import { SAMPLE_READERS, userTemplates } from './_fixtures.js';

/**
 * A contents entry's output is kept per entry when its block reads nothing of its place, per entry
 * and place when it does: role sets that show one section at different places of the contents get
 * the same bytes as when compiled whole, with the built-in templates and with a contents list that
 * numbers its sections and marks the first and last story.
 */

const NUMBERED = (source: string) =>
  source
    .replace('{{#each contents.sections}}', '{{#each contents.sections}}<p class="rc-n">{{@index}}</p>')
    .replace(
      '{{#each items}}<li dir="auto"',
      '{{#each items}}<li dir="auto" data-n="{{@../index}}{{#if @first}}f{{/if}}{{#if @last}}l{{/if}}"',
    );

describe('contents entries met at different places across role sets', () => {
  it.each([
    ['the built-in contents list', undefined],
    ['a contents list that reads its places', NUMBERED],
  ])(
    '%s: the same bytes as compiled whole',
    async (_what, edit) => {
      const base = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
      const templatesDir = edit ? await userTemplates({ 'partials/intro.mjml.hbs': edit }) : base.config.templatesDir;
      const project = { ...base, config: { ...base.config, templatesDir } };
      const { summaries, manifest } = project.issue;
      const order = effectiveRoleOrder(summaries, manifest.roleOrder ?? []);
      const fast = await createRenderer(project, { mjmlCache: false });
      const whole = await createRenderer(project, { mjmlCache: false, pieces: false });
      // The Security Lead section stands first, second and third, before and after other sections.
      const sets = [
        ['Security Lead'],
        ['CTO', 'Security Lead'],
        ['Security Lead', 'Executive'],
        ['CTO', 'VP of Engineering/Data', 'Security Lead'],
        ['CTO', 'Security Lead', 'Product Manager'],
        ['VP of Engineering/Data', 'Security Lead'],
      ];
      for (const roles of sets) {
        const variant = buildVariant(summaries, order, roles);
        const a = await fast.compile(variant);
        const b = await whole.compile(variant);
        for (const reader of SAMPLE_READERS) expect(a.personalise(reader)).toEqual(b.personalise(reader));
        if (edit) expect(a.personalise(SAMPLE_READERS[0]!).html).toContain('class="rc-n"');
      }
      expect(fast.classes!.filled).toBe(sets.length);
    },
    60_000,
  );
});
