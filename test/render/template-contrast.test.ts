import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQualityGates } from '../../src/cli/quality.js';
import { REPO_ROOT } from '../helpers/project.js';
import { fixtureProject } from './_fixtures.js';

/**
 * An editor's own intro template writes colours the palette gate never saw; the dark scheme
 * recolours only the elements its rules name. The gate reads the message as each scheme shows it.
 */

let dir: string;
let intro: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-template-contrast-'));
  await cp(join(REPO_ROOT, 'templates'), dir, { recursive: true });
  intro = await readFile(join(dir, 'partials/intro.mjml.hbs'), 'utf8');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The built-in intro with one more line of the editor's under the greeting. */
async function withIntroLine(mjml: string) {
  const greeting = intro.split('\n').findIndex((line) => line.includes('{{greeting}}'));
  const lines = intro.split('\n');
  lines.splice(greeting + 1, 0, `    ${mjml}`);
  await writeFile(join(dir, 'partials/intro.mjml.hbs'), lines.join('\n'));
  const problems = await runQualityGates(fixtureProject({ templatesDir: dir }));
  return problems.filter((p) => /in the (dark|light) scheme/.test(p.message));
}

describe('colours an editor’s template writes', () => {
  it('warns of dark text the dark scheme leaves on its dark background', async () => {
    const found = await withIntroLine('<mj-text><p style="margin:0;color:#333333">A word from the desk</p></mj-text>');
    expect(found).toHaveLength(1);
    expect(found[0]?.severity).toBe('warning');
    expect(found[0]?.message).toMatch(
      /"A word from the desk" is #333333 on #0f172a in the dark scheme, contrast 1\.\d+:1/,
    );
    expect(found[0]?.hint).toMatch(/rc-text/);
  });

  it('warns of pale text on the light page', async () => {
    const found = await withIntroLine('<mj-text><p style="margin:0;color:#dddddd">A word from the desk</p></mj-text>');
    expect(found.map((p) => p.message)).toEqual([expect.stringMatching(/#dddddd on #f3f4f6 in the light scheme/)]);
  });

  it.each([
    [
      'a colour on the mj-text, which the dark scheme recolours',
      '<mj-text color="#333333">A word from the desk</mj-text>',
    ],
    ['class rc-text', '<mj-text><p class="rc-text" style="margin:0;color:#333333">A word from the desk</p></mj-text>'],
    [
      'a box of its own that stays light',
      '<mj-text><p style="margin:0;padding:8px;color:#333333;background:#ffffff">A word</p></mj-text>',
    ],
  ])('is silent for %s', async (_, mjml) => {
    expect(await withIntroLine(mjml)).toEqual([]);
  });

  it('is silent for the built-in templates', async () => {
    await writeFile(join(dir, 'partials/intro.mjml.hbs'), intro);
    expect(await runQualityGates(fixtureProject({ templatesDir: dir }))).toEqual([]);
    const dark = { name: 'Night Weekly', primaryColor: '#1f3a5f', accentColor: '#e8590c', backgroundColor: '#222222' };
    expect(await runQualityGates(fixtureProject({ templatesDir: dir, config: { brand: dark } }))).toEqual([]);
  });
});
