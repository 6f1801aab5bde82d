import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildVariant, effectiveRoleOrder, type Variant } from '../../src/group/index.js';
import type { Project } from '../../src/load/project.js';
import { type CompiledVariant, createRenderer } from '../../src/render/index.js';
import { compileMjml, type MjmlResult } from '../../src/render/mjml.js';
import { cachedMjml } from '../../src/render/mjml-cache.js';
import { fixtureProject, SAMPLE_READERS, SUMMARIES } from './_fixtures.js';

/**
 * MJML output kept on disk between renders: a later render with other nonces gives the same
 * messages without compiling, and anything odd about an entry or a source means a compile.
 */

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function cacheDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rolecast-mjml-cache-'));
  dirs.push(dir);
  return join(dir, 'cache');
}

function variants(project: Project): Variant[] {
  const { summaries, manifest } = project.issue;
  const order = effectiveRoleOrder(summaries, manifest.roleOrder ?? []);
  return [buildVariant(summaries, order, undefined), ...order.map((role) => buildVariant(summaries, order, [role]))];
}

/** Renders every variant, counting the compiles that reached MJML. */
async function render(project: Project, mjmlCache: string | false) {
  let compiles = 0;
  const counting = (source: string, templates: Parameters<typeof compileMjml>[1]) => {
    compiles++;
    return compileMjml(source, templates);
  };
  const renderer = await createRenderer(project, { compileMjml: counting, mjmlCache });
  const compiled: CompiledVariant[] = [];
  for (const variant of variants(project)) compiled.push(await renderer.compile(variant));
  return { compiled, compiles };
}

function messages(compiled: CompiledVariant[]) {
  return compiled.map((variant) => ({
    subject: variant.subject,
    problems: variant.problems,
    sizes: [variant.htmlBytes, variant.textBytes, variant.encodedBytes],
    readers: SAMPLE_READERS.map((reader) => variant.personalise(reader)),
  }));
}

describe('the MJML output cache', () => {
  it('gives a later render, with nonces of its own, the same messages without compiling', async () => {
    const project = fixtureProject({ summaries: SUMMARIES });
    const dir = await cacheDir();
    const reference = await render(project, false);
    const first = await render(project, dir);
    const second = await render(project, dir);
    expect(first.compiles).toBeGreaterThan(0);
    expect(second.compiles).toBe(0);
    expect(messages(first.compiled)).toEqual(messages(reference.compiled));
    expect(messages(second.compiled)).toEqual(messages(reference.compiled));
  });

  it('compiles again, with the same result, when an entry is damaged', async () => {
    const project = fixtureProject({ summaries: SUMMARIES });
    const dir = await cacheDir();
    const reference = await render(project, false);
    await render(project, dir);
    const files = (await readdir(dir)).filter((name) => name.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    // One cut short, one with its HTML changed but not its checksum, one not JSON at all.
    for (const [k, name] of files.entries()) {
      const path = join(dir, name);
      const text = await readFile(path, 'utf8');
      if (k % 3 === 0) await writeFile(path, text.slice(0, text.length >> 1));
      else if (k % 3 === 1) await writeFile(path, text.replace('<table', '<table data-x="1"'));
      else await writeFile(path, '\u0000');
    }
    const again = await render(project, dir);
    expect(again.compiles).toBe(files.length);
    expect(messages(again.compiled)).toEqual(messages(reference.compiled));
  });

  it('never keeps a source that spells the placeholder, and still renders it right', async () => {
    const title = 'Spelled story RCXNONCE0Q';
    const spelled = SUMMARIES.map((s, i) => (i === 0 ? { ...s, title } : s));
    const project = fixtureProject({ summaries: spelled });
    const dir = await cacheDir();
    const reference = await render(project, false);
    await render(project, dir);
    const second = await render(project, dir);
    // The sources that hold the title are compiled every time; the others come from the cache.
    expect(second.compiles).toBeGreaterThan(0);
    for (const name of await readdir(dir))
      expect(await readFile(join(dir, name), 'utf8')).not.toContain('Spelled story');
    expect(messages(second.compiled)).toEqual(messages(reference.compiled));
    expect(JSON.stringify(messages(second.compiled))).toContain(title);
  });

  it('renders as without it where the folder cannot be made', async () => {
    const project = fixtureProject({ summaries: SUMMARIES });
    const parent = await cacheDir();
    await writeFile(parent, 'a file where the folder would go');
    const reference = await render(project, false);
    const blocked = await render(project, join(parent, 'mjml'));
    expect(blocked.compiles).toBe(reference.compiles);
    expect(messages(blocked.compiled)).toEqual(messages(reference.compiled));
  });

  it('maps each nonce to its own placeholder and back, and passes includes through', async () => {
    const dir = await cacheDir();
    const sources: string[] = [];
    const echo = async (source: string): Promise<MjmlResult> => {
      sources.push(source);
      return { html: `<p>${source.toUpperCase() === source ? 'upper' : 'mixed'}|${source}</p>`, errors: [] };
    };
    const first = cachedMjml(echo, dir, ['aaaa11', 'bbbb22']);
    const second = cachedMjml(echo, dir, ['cccc33', 'dddd44']);
    expect(await first('x aaaa11 y bbbb22 aaaa11')).toEqual({
      html: '<p>mixed|x aaaa11 y bbbb22 aaaa11</p>',
      errors: [],
    });
    expect(await second('x cccc33 y dddd44 cccc33')).toEqual({
      html: '<p>mixed|x cccc33 y dddd44 cccc33</p>',
      errors: [],
    });
    // The nonces swapped is another source.
    expect(await second('x dddd44 y cccc33 dddd44')).toEqual({
      html: '<p>mixed|x dddd44 y cccc33 dddd44</p>',
      errors: [],
    });
    expect(sources).toHaveLength(2);
    const include = '<mj-include path="./part.mjml" /> aaaa11';
    await first(include);
    await first(include);
    expect(sources).toHaveLength(4);
  });

  it('keeps no compile that reported errors', async () => {
    const dir = await cacheDir();
    let calls = 0;
    const failing = async (): Promise<MjmlResult> => {
      calls++;
      return { html: '', errors: [{ line: 1, message: 'bad', tagName: 'mj-text' }] };
    };
    const cached = cachedMjml(failing, dir, ['n0nce1']);
    await cached('<mjml>n0nce1</mjml>');
    const second = await cached('<mjml>n0nce1</mjml>');
    expect(calls).toBe(2);
    expect(second.errors).toHaveLength(1);
  });
});
