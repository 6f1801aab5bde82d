import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runQualityGates } from '../../src/cli/quality.js';
import { RolecastError } from '../../src/errors.js';
import { buildVariant } from '../../src/group/index.js';
import { createRenderer } from '../../src/render/index.js';
import { linkProblems } from '../../src/render/link-gates.js';
import { REPO_ROOT } from '../helpers/project.js';
import { fixtureProject } from './_fixtures.js';

const words = (kb: number) =>
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(Math.ceil((kb * 1024) / 57));

describe('card without a link', () => {
  it('says how each format gives a card its link, not only the text format', async () => {
    const project = fixtureProject({
      summaries: [{ id: 'unlinked', roles: ['CTO'], url: undefined }],
      config: { urls: { unsubscribe: 'https://test.example/unsubscribe' } },
    });
    const unlinked = (await runQualityGates(project)).filter((p) =>
      p.message.startsWith('card "unlinked" has no link'),
    );
    expect(unlinked.length).toBeGreaterThan(0);
    for (const problem of unlinked)
      expect(problem.hint).toBe(
        'give the summary the article\'s address (a "Link:" line in a .txt, "url" in a .json or a .md\'s frontmatter), or set urls.archive so it links to its archive page',
      );
  });
});

describe('size gate', () => {
  it('is an error when the encoded HTML passes the limit', async () => {
    const project = fixtureProject({ summaries: [{ id: 'huge', roles: ['CTO'], summary: words(110) }] });
    const problems = await runQualityGates(project);
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.message).toMatch(/over the 100 KB limit/);
  });

  it('counts the transfer encoding: HTML under the limit raw can be over it encoded', async () => {
    // Quoted-printable writes each non-ASCII byte as three characters.
    const umlauts = 'Grüße über Äpfel und Öl für Bäcker. '.repeat(1900);
    const project = fixtureProject({ summaries: [{ id: 'big', roles: ['CTO'], summary: umlauts }] });
    const compiled = await (await createRenderer(project)).compile(
      buildVariant(project.issue.summaries, ['CTO'], undefined),
    );
    expect(compiled.htmlBytes).toBeLessThan(100 * 1024);
    expect(compiled.encodedHtmlBytes).toBeGreaterThan(100 * 1024);
    expect(compiled.problems.map((p) => p.severity)).toContain('error');
  });

  it('warns above the warning threshold and is silent below it', async () => {
    const warned = await runQualityGates(fixtureProject({ config: { sizeWarnKb: 5 } }));
    expect(warned.map((p) => [p.severity, p.message.includes('warning threshold')])).toContainEqual(['warning', true]);
    expect(warned.some((p) => p.severity === 'error')).toBe(false);
    expect(await runQualityGates(fixtureProject())).toEqual([]);
  });
});

describe('link gate', () => {
  const where = { file: 'issue.json', variantId: 'editor' };
  it.each([
    ['<a href="javascript:alert(1)">x</a>', 1],
    ['<a href="jav&#x61;script:alert(1)">x</a>', 1],
    ['<img src="data:image/png;base64,AAAA" alt="x">', 1],
    ["<a href='ftp://example.com/file'>x</a>", 1],
    ['<a href="https://example.com/?a=1&amp;b=2">x</a> <a href="mailto:a@example.com">m</a>', 0],
  ])('%s → %i problem(s)', (html, count) => {
    expect(linkProblems(html, where)).toHaveLength(count);
  });
});

describe('template errors', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecast-templates-'));
    await cp(join(REPO_ROOT, 'templates'), dir, { recursive: true });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function breakLine(file: string, lineNumber: number, replace: (line: string) => string): Promise<void> {
    const path = join(dir, file);
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[lineNumber - 1] = replace(lines[lineNumber - 1]!);
    await writeFile(path, lines.join('\n'));
  }

  it('reports an MJML error with the partial’s file and line', async () => {
    const card = (await readFile(join(dir, 'partials/card.mjml.hbs'), 'utf8')).split('\n');
    const line = card.findIndex((l) => l.trim().startsWith('<mj-text')) + 1;
    expect(line).toBeGreaterThan(0);
    await breakLine('partials/card.mjml.hbs', line, (l) => l.replace('<mj-text', '<mj-text colour="red"'));
    const problems = await runQualityGates(fixtureProject({ templatesDir: dir }));
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      expect(problem.severity).toBe('error');
      expect(problem.file).toMatch(/partials\/card\.mjml\.hbs$/);
      expect(problem.line).toBe(line);
      expect(problem.message).toMatch(/colour/);
    }
  });

  it('reports an MJML error in the layout with its line', async () => {
    await breakLine('digest.mjml.hbs', 8, (l) => `${l}\n    <mj-column></mj-column>`);
    const problems = await runQualityGates(fixtureProject({ templatesDir: dir }));
    expect(problems[0]?.file).toMatch(/digest\.mjml\.hbs$/);
    expect(problems[0]?.line).toBe(9);
  });

  it('reports a Handlebars syntax error with file and line, and throws from the renderer', async () => {
    await breakLine('partials/footer.mjml.hbs', 3, (l) => `${l}{{#if sender}}`);
    const project = fixtureProject({ templatesDir: dir });
    const problems = await runQualityGates(project);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.file).toMatch(/partials\/footer\.mjml\.hbs$/);
    expect(problems[0]?.line).toBeGreaterThanOrEqual(3);
    await expect(createRenderer(project)).rejects.toBeInstanceOf(RolecastError);
  });

  it('uses a user’s template over the built-in one, and built-ins for files it lacks', async () => {
    await rm(join(dir, 'partials/header.mjml.hbs'));
    await writeFile(
      join(dir, 'partials/footer.mjml.hbs'),
      '<mj-section><mj-column><mj-text>Custom footer <a href="{{unsubscribe}}">leave</a></mj-text></mj-column></mj-section>\n',
    );
    const project = fixtureProject({ templatesDir: dir });
    const compiled = await (await createRenderer(project)).compile(
      buildVariant(project.issue.summaries, [], undefined),
    );
    const { html } = compiled.personalise({ email: 'a@example.com', unsubscribeUrl: 'https://test.example/u' });
    expect(html).toContain('Custom footer <a href="https://test.example/u">leave</a>');
    expect(html).toContain('<h1');
  });
});
