import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/** A stand-in for MJML that numbers its compiles, behind a cache in `dir` sealed with a secret. */
function sealedEcho(dir: string) {
  let calls = 0;
  const echo = async (source: string): Promise<MjmlResult> => ({ html: `<p>${++calls} ${source}</p>`, errors: [] });
  return {
    cached: () => cachedMjml(echo, { dir, nonces: ['n0nce1'], context: 'c', secret: 'secret-a', minFreeBytes: 0 }),
    calls: () => calls,
  };
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
    const first = cachedMjml(echo, { dir, nonces: ['aaaa11', 'bbbb22'], context: 'c', minFreeBytes: 0 });
    const second = cachedMjml(echo, { dir, nonces: ['cccc33', 'dddd44'], context: 'c', minFreeBytes: 0 });
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
    const cached = cachedMjml(failing, { dir, nonces: ['n0nce1'], context: 'c', minFreeBytes: 0 });
    await cached('<mjml>n0nce1</mjml>');
    const second = await cached('<mjml>n0nce1</mjml>');
    expect(calls).toBe(2);
    expect(second.errors).toHaveLength(1);
  });

  it('compiles every time a source that spells the placeholder, or an output that does, and keeps neither', async () => {
    const dir = await cacheDir();
    let calls = 0;
    const echo = async (source: string): Promise<MjmlResult> => {
      calls++;
      return { html: source.startsWith('odd') ? `<p>RCXNONCE9Q ${source}</p>` : `<p>${source}</p>`, errors: [] };
    };
    const cached = cachedMjml(echo, { dir, nonces: ['n0nce1'], context: 'c', minFreeBytes: 0 });
    for (let round = 0; round < 2; round++) {
      expect(await cached('x RCXNONCE0Q n0nce1')).toEqual({ html: '<p>x RCXNONCE0Q n0nce1</p>', errors: [] });
      expect(await cached('odd n0nce1')).toEqual({ html: '<p>RCXNONCE9Q odd n0nce1</p>', errors: [] });
    }
    expect(calls).toBe(4);
    expect(await readdir(dir).catch(() => [])).toEqual([]);
  });

  it('keys on the compile options: other options are another entry', async () => {
    const dir = await cacheDir();
    let calls = 0;
    const echo = async (source: string): Promise<MjmlResult> => ({ html: `<p>${++calls} ${source}</p>`, errors: [] });
    const strict = cachedMjml(echo, {
      dir,
      nonces: ['n0nce1'],
      context: '{"validationLevel":"strict"}',
      minFreeBytes: 0,
    });
    const soft = cachedMjml(echo, { dir, nonces: ['n0nce2'], context: '{"validationLevel":"soft"}', minFreeBytes: 0 });
    expect((await strict('a n0nce1')).html).toBe('<p>1 a n0nce1</p>');
    expect((await soft('a n0nce2')).html).toBe('<p>2 a n0nce2</p>');
    expect((await strict('a n0nce1')).html).toBe('<p>1 a n0nce1</p>');
    expect(calls).toBe(2);
  });

  it('with a secret, reads back only what was sealed with it', async () => {
    const dir = await cacheDir();
    let calls = 0;
    const echo = async (source: string): Promise<MjmlResult> => ({ html: `<p>${++calls} ${source}</p>`, errors: [] });
    const open = (secret: string | undefined) =>
      cachedMjml(echo, { dir, nonces: ['n0nce1'], context: 'c', secret, minFreeBytes: 0 });
    expect((await open('secret-a')('s n0nce1')).html).toBe('<p>1 s n0nce1</p>');
    expect((await open('secret-a')('s n0nce1')).html).toBe('<p>1 s n0nce1</p>');
    // Another key, or none, finds nothing it can trust and compiles.
    expect((await open('secret-b')('s n0nce1')).html).toBe('<p>2 s n0nce1</p>');
    expect((await open(undefined)('s n0nce1')).html).toBe('<p>3 s n0nce1</p>');

    // An entry rewritten with a script and a checksum that matches it is not read.
    const sealedA = (await readdir(dir)).filter((name) => name.endsWith('.json'));
    expect(sealedA).toHaveLength(3);
    for (const name of sealedA) {
      const path = join(dir, name);
      const entry = JSON.parse(await readFile(path, 'utf8')) as { html: string; seal: string };
      const html = `<script>alert(1)</script>${entry.html}`;
      await writeFile(path, JSON.stringify({ ...entry, html, seal: createHash('sha256').update(html).digest('hex') }));
    }
    const read = await open('secret-a')('s n0nce1');
    expect(read.html).toBe('<p>4 s n0nce1</p>');
    expect(calls).toBe(4);
  });

  it('writes nothing with less free space than the minimum, and clears abandoned temporary files', async () => {
    const dir = await cacheDir();
    const echo = async (source: string): Promise<MjmlResult> => ({ html: `<p>${source}</p>`, errors: [] });
    const full = cachedMjml(echo, { dir, nonces: ['n0nce1'], context: 'c', minFreeBytes: Number.MAX_SAFE_INTEGER });
    await full('a n0nce1');
    expect(await readdir(dir)).toEqual([]);

    const abandoned = `${'a'.repeat(64)}.json.1.0123abcd.tmp`;
    const recent = `${'b'.repeat(64)}.json.2.0123abcd.tmp`;
    // Not named as the cache names its files: never removed, however old.
    const foreign = 'notes.json.tmp';
    for (const name of [abandoned, recent, foreign]) await writeFile(join(dir, name), '{');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(join(dir, abandoned), hourAgo, hourAgo);
    await utimes(join(dir, foreign), hourAgo, hourAgo);
    const roomy = cachedMjml(echo, { dir, nonces: ['n0nce1'], context: 'c', minFreeBytes: 0 });
    await roomy('a n0nce1');
    const names = await readdir(dir);
    expect(names).toContain(recent);
    expect(names).toContain(foreign);
    expect(names).not.toContain(abandoned);
    expect(names.filter((name) => name.endsWith('.json'))).toHaveLength(1);
  });

  it("never opens a FIFO, a link or an outsized file put at an entry's name, and compiles instead", async () => {
    const dir = await cacheDir();
    const { cached } = sealedEcho(dir);
    await cached()('for engineers n0nce1');
    const entry = join(dir, (await readdir(dir))[0]!);
    const sealed = await readFile(entry, 'utf8');

    // Reading a FIFO would block the process for good (signals included): it is not opened.
    await rm(entry);
    execFileSync('mkfifo', [entry]);
    expect((await cached()('for engineers n0nce1')).html).toBe('<p>2 for engineers n0nce1</p>');

    // A link to the very entry that was sealed: not followed.
    const elsewhere = join(dirname(dir), 'elsewhere.json');
    await writeFile(elsewhere, sealed);
    await rm(entry, { force: true });
    await symlink(elsewhere, entry);
    expect((await cached()('for engineers n0nce1')).html).toBe('<p>3 for engineers n0nce1</p>');

    // Past the size limit: not read.
    await rm(entry, { force: true });
    // Still a sealed entry (JSON allows white space after it), only too big to be one.
    await writeFile(entry, sealed + ' '.repeat(17 * 1024 * 1024));
    expect((await cached()('for engineers n0nce1')).html).toBe('<p>4 for engineers n0nce1</p>');
  });

  it('neither reads nor writes nor prunes through a cache folder that is a link', async () => {
    const base = dirname(await cacheDir());
    const target = join(base, 'target');
    await mkdir(target);
    const old = `${'c'.repeat(64)}.json.1.0123abcd.tmp`;
    await writeFile(join(target, old), '{');
    const hourAgo = new Date(Date.now() - 3_600_000);
    await utimes(join(target, old), hourAgo, hourAgo);
    const dir = join(base, 'linked');
    await symlink(target, dir);
    const { cached, calls } = sealedEcho(dir);
    await cached()('for engineers n0nce1');
    await cached()('for engineers n0nce1');
    expect(calls()).toBe(2);
    expect(await readdir(target)).toEqual([old]);
  });

  it('without a secret keeps MJML output only where it asked to (a preview), never for a send', async () => {
    const project = fixtureProject({ summaries: SUMMARIES });
    const stateDir = dirname(await cacheDir());
    project.config.stateDirAbs = stateDir;
    const kept = async () => readdir(join(stateDir, 'cache', 'mjml')).catch(() => [] as string[]);
    const variant = variants(project)[1]!;
    await (await createRenderer(project)).compile(variant);
    expect(await kept()).toEqual([]);
    await (await createRenderer(project, { unsealedCache: true })).compile(variant);
    const unsealed = await kept();
    expect(unsealed.length).toBeGreaterThan(0);
    await (await createRenderer(project, { cacheSecret: 'secret-a' })).compile(variant);
    expect((await kept()).length).toBeGreaterThan(unsealed.length);
  });

  it('with a secret, never reads an entry under another name, nor a name passed off as a seal', async () => {
    const dir = await cacheDir();
    const { cached, calls } = sealedEcho(dir);
    await cached()('for engineers n0nce1');
    const engineers = (await readdir(dir))[0]!;
    await cached()('for executives n0nce1');
    const executives = (await readdir(dir)).find((name) => name !== engineers)!;
    expect(calls()).toBe(2);

    // The engineers' entry copied over the executives' name: compiled, not read.
    await writeFile(join(dir, executives), await readFile(join(dir, engineers)));
    expect((await cached()('for executives n0nce1')).html).toBe('<p>3 for executives n0nce1</p>');

    // An entry whose "seal" is its own file name, with HTML of the attacker's choosing.
    const forged = {
      format: 'rolecast-mjml-cache-3',
      seal: executives.replace('.json', ''),
      html: '<script></script>',
    };
    await writeFile(join(dir, executives), JSON.stringify(forged));
    expect((await cached()('for executives n0nce1')).html).toBe('<p>4 for executives n0nce1</p>');
    expect(calls()).toBe(4);
  });
});
