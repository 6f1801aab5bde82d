import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder } from '../../src/group/index.js';
import { loadProject } from '../../src/load/project.js';
import { createRenderer } from '../../src/render/index.js';
import { placeFreeBlocks } from '../../src/render/place-free.js';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';
import { SAMPLE_READERS, userTemplates } from './_fixtures.js';

/**
 * A contents list written as a section block (`{{#contents.sections}}…{{/contents.sections}}`)
 * loops as `{{#each}}` does. One that numbers its entries gets each entry's own number in every
 * role set, even when another partial holds an `{{#each}}` that reads nothing of its place at the
 * very same line and column.
 */

const OPEN = '{{#each contents.sections}}';
const CLOSE = '{{/each}}</td>';

const numbered = (source: string) =>
  source
    .replace(OPEN, '{{#contents.sections}}<p class="rc-n">{{@index}}</p>')
    .replace(CLOSE, '{{/contents.sections}}</td>');

/** A partial whose `{{#each}}` reads nothing of its place and stands where `source`'s contents block does. */
function sameSpot(source: string): string {
  const loc = findBlock(Handlebars.parse(source), 'contents.sections')!;
  expect(loc.start.line).toBe(loc.end.line);
  const lines = source.split('\n').slice(0, loc.start.line - 1);
  const prefix = lines.map((line) => `${' '.repeat(line.length)}\n`).join('') + ' '.repeat(loc.start.column);
  const open = '{{#each list}}<b>';
  const close = '</b>{{/each}}';
  const length = loc.end.column - loc.start.column;
  return `${prefix}${open}${'x'.repeat(length - open.length - close.length)}${close}\n`;
}

type Loc = { start: { line: number; column: number }; end: { line: number; column: number } };

function findBlock(node: unknown, path: string): Loc | undefined {
  if (Array.isArray(node)) {
    for (const child of node) {
      const found = findBlock(child, path);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  const n = node as { type?: string; path?: { original?: string }; loc?: Loc };
  if (n.type === 'BlockStatement' && n.path?.original === path) return n.loc;
  for (const [key, value] of Object.entries(n)) {
    if (key === 'loc') continue;
    const found = findBlock(value, path);
    if (found) return found;
  }
  return undefined;
}

describe('a contents list written as a section block', () => {
  it('numbers each entry by its own place in every role set, beside a place-free each at the same spot', async () => {
    const base = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const templatesDir = await userTemplates({ 'partials/intro.mjml.hbs': numbered });
    const intro = await readFile(join(templatesDir, 'partials/intro.mjml.hbs'), 'utf8');
    await writeFile(join(templatesDir, 'partials/zz-list.mjml.hbs'), sameSpot(intro));
    const project = { ...base, config: { ...base.config, templatesDir } };
    const { summaries, manifest } = project.issue;
    const order = effectiveRoleOrder(summaries, manifest.roleOrder ?? []);
    const fast = await createRenderer(project, { mjmlCache: false });
    const whole = await createRenderer(project, { mjmlCache: false, pieces: false });
    // The Security Lead section stands first, second and third.
    const sets = [
      ['Security Lead', 'Executive'],
      ['CTO', 'Security Lead'],
      ['CTO', 'VP of Engineering/Data', 'Security Lead'],
      ['VP of Engineering/Data', 'Security Lead'],
    ];
    for (const roles of sets) {
      const variant = buildVariant(summaries, order, roles);
      const a = await fast.compile(variant);
      const b = await whole.compile(variant);
      const html = a.personalise(SAMPLE_READERS[0]!).html;
      const numbers = [...html.matchAll(/<p class="rc-n">(\d+)<\/p>/g)].map((m) => Number(m[1]));
      expect(numbers).toEqual(variant.sections.map((_, i) => i));
      for (const reader of SAMPLE_READERS) expect(a.personalise(reader)).toEqual(b.personalise(reader));
    }
    expect(fast.classes!.filled).toBeGreaterThan(1);
  }, 60_000);

  it('keeps a location whose block in another file is not an each out of the place-free ones', () => {
    const helpers = new Set(['if', 'unless', 'with', 'each', 'lookup', 'log']);
    const each = { path: 'partials/a.mjml.hbs', source: '{{#each list}}<b>x</b>{{/each}}' };
    const section = { path: 'partials/b.mjml.hbs', source: '{{#list}}({{@index}}) {{/list}}' };
    expect(placeFreeBlocks([each], helpers).size).toBe(1);
    expect(placeFreeBlocks([each, section], helpers).size).toBe(0);
    expect(placeFreeBlocks([section, each], helpers).size).toBe(0);
  });
});
