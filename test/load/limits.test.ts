import { open } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { formatProblem, type Problem, RolecastError } from '../../src/errors.js';
import { parseJsonWithLines } from '../../src/load/_json-lines.js';
import { loadIssue } from '../../src/load/issue.js';
import { LIMITS } from '../../src/load/limits.js';
import { parseSubscribers, parseSubscribersCsv } from '../../src/load/subscribers.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy, parseTaxonomy } from '../../src/roles/taxonomy.js';
import { parseSuppressionFile } from '../../src/serve/suppression-file.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const errors = (problems: Problem[]) => problems.filter((p) => p.severity === 'error').map(formatProblem);
const HEAD = 'Title\n\nSummary\nText.\n\nBest for: CTO\n';
const deepJson = '['.repeat(10_000);
const deepYamlFlow = `title: ${'['.repeat(2_000)}`;
const deepYamlBlock = `title: x\nroles:\n${'- '.repeat(2_000)}CTO`;
/** An error naming the file and the limit, on one line, with no stack. */
const LIMIT_LINE = /too (large|deep).* — limit \d/;

describe('size, depth and count limits in the library', () => {
  it('refuses a summary over the size limit before parsing it', () => {
    const text = HEAD + 'x'.repeat(LIMITS.summaryBytes);
    for (const file of ['big.txt', 'big.md', 'big.json']) {
      const { summary, problems } = parseSummary(text, file, taxonomy);
      expect(summary).toBeUndefined();
      expect(errors(problems)).toEqual([
        `${file}: file: is too large (${Buffer.byteLength(text)} bytes) — limit 1 MB; a summary is one article; shorten it`,
      ]);
    }
  });

  it('a file with hundreds of thousands of problems gets them counted, not a stack overflow', () => {
    const md = `---\ntitle: Many lines\nroles: [CTO]\nsummary: Fine.\n---\n${'# x\n'.repeat(200_000)}`;
    expect(Buffer.byteLength(md)).toBeLessThan(LIMITS.summaryBytes);
    const { summary, problems } = parseSummary(md, 'many.md', taxonomy);
    expect(summary?.title).toBe('Many lines');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.length).toBeLessThan(50);
    const csv = `email,roles\n${Array.from({ length: 200_000 }, (_, i) => `not-an-address-${i},CTO\n`).join('')}`;
    const list = parseSubscribersCsv(csv, 'bad.csv', taxonomy);
    expect(list.problems.filter((p) => p.severity === 'error').length).toBeGreaterThan(0);
  });

  it('refuses Markdown frontmatter over 64 KB and YAML nested too deep, in flow and block style', () => {
    const big = parseSummary(`---\ntitle: ${'x'.repeat(70_000)}\n---\nBody.`, 'a.md', taxonomy);
    expect(errors(big.problems)).toEqual([
      expect.stringMatching(/^a\.md:2: frontmatter: is too large .* — limit 64 KB/),
    ]);
    for (const yaml of [
      deepYamlFlow,
      deepYamlBlock,
      `a:\n${Array.from({ length: 70 }, (_, i) => `${' '.repeat(i + 1)}k${i}:`).join('\n')} x`,
    ]) {
      const deep = parseSummary(`---\n${yaml}\n---\nBody.`, 'd.md', taxonomy);
      expect(errors(deep.problems)).toEqual([
        expect.stringMatching(/^d\.md:\d+: frontmatter: is nested too deep .* — limit 64/),
      ]);
    }
  });

  it('accepts YAML and JSON nested within the limit, with brackets inside strings and comments', () => {
    const md = parseSummary(
      `---\ntitle: "[[[[ ${'['.repeat(100)}"\nsummary: '{{ ${'{'.repeat(100)}' # [[[[[[\nroles: [[CTO]]\n---\n`,
      'ok.md',
      taxonomy,
    );
    expect(md.problems.filter((p) => /too deep/.test(p.message))).toEqual([]);
    const json = parseSummary(`{"title": "${'['.repeat(200)}", "summary": "s", "roles": ["CTO"]}`, 'ok.json', taxonomy);
    expect(json.summary?.title).toBe('['.repeat(200));
  });

  it('refuses JSON nested deeper than 64 levels in every JSON input, without a stack overflow', () => {
    expect(errors(parseSummary(deepJson, 'd.json', taxonomy).problems)).toEqual([
      'd.json:1: json: is nested too deep (more than 64 levels) — limit 64 levels of nesting; flatten the structure',
    ]);
    expect(errors(parseSubscribers(deepJson, 's.json', taxonomy).problems)).toEqual([
      expect.stringMatching(/^s\.json:1: json: is nested too deep/),
    ]);
    expect(errors(parseSuppressionFile(deepJson, 'b.json', 'import').problems)).toEqual([
      expect.stringMatching(/^b\.json:1: json: is nested too deep/),
    ]);
    expect(() => parseJsonWithLines(deepJson)).toThrow(/nested more than 64 levels deep/);
    const config = catchError(() => parseConfig(`{"x": ${deepJson}`, '/tmp/rolecast.config.json'));
    expect(config.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/json: is nested too deep .* — limit 64/),
    ]);
  });

  it('refuses a roles.yaml nested too deep, and an alias bomb, as invalid input', () => {
    for (const text of [`roles: ${'['.repeat(2_000)}`, `roles:\n${'- '.repeat(2_000)}x`]) {
      const error = catchError(() => parseTaxonomy(text, 'roles.yaml'));
      expect(error.problems.map(formatProblem)).toEqual([expect.stringMatching(/nested too deep .* — limit 64/)]);
    }
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      bomb.push(`${'abcdefgh'[i]}: &${'abcdefgh'[i]} [${`*${'abcdefgh'[i - 1]}, `.repeat(9)}x]`);
    expect(catchError(() => parseTaxonomy(`${bomb.join('\n')}\nroles: []`, 'roles.yaml')).code).toBe('E_INVALID');
  });

  it('refuses a subscriber with more roles than the limit in one step, in JSON and CSV', () => {
    const roles = Array.from({ length: 150_000 }, (_, i) => `Role ${i}`);
    const json = parseSubscribers(JSON.stringify([{ email: 'a@example.com', roles }]), 's.json', taxonomy);
    const csv = parseSubscribersCsv(`email,roles\na@example.com,${roles.join('|')}\n`, 's.csv', taxonomy);
    expect(errors(json.problems)).toEqual(['s.json:1: [0].roles: has too many roles (150000) — limit 64']);
    expect(errors(csv.problems)).toEqual(['s.csv:2: [0].roles: has too many roles (150000) — limit 64']);
  });

  it('limits roles per summary, summaries per issue and the length of names and fields', () => {
    const roles = Array.from({ length: 10_000 }, (_, i) => `Role ${i}`).join(', ');
    expect(errors(parseSummary(`Title\n\nSummary\nx\n\nBest for: ${roles}`, 'r.txt', taxonomy).problems)).toEqual([
      'r.txt:6: roles: has too many entries (10000) — limit 64',
    ]);
    const long = parseSummary(`${'T'.repeat(600)}\n\nSummary\nx\n\nBest for: ${'R'.repeat(300)}`, 'l.txt', taxonomy);
    expect(errors(long.problems)).toEqual([
      expect.stringMatching(/^l\.txt:1: title: is too long — limit 500 characters/),
      expect.stringMatching(/^l\.txt:6: roles\[0\]: is too long — limit 100 characters per role/),
    ]);
    const name = parseSubscribers(
      JSON.stringify([{ email: 'a@example.com', name: 'N'.repeat(6_000) }]),
      'n.json',
      taxonomy,
    );
    expect(errors(name.problems)).toEqual([expect.stringMatching(/^n\.json:1: \[0\]\.name: is too long — limit 200/)]);
  });

  it('limits the summaries of one issue', async () => {
    const project = await tempProject({
      files: {
        'issue/issue.json': JSON.stringify({
          subject: 's',
          date: '2026-11-26',
          summaries: Array.from({ length: LIMITS.summariesPerIssue + 1 }, (_, i) => `s${i}.txt`),
        }),
      },
    });
    try {
      const { problems } = await loadIssue(project.path('issue'), taxonomy);
      expect(errors(problems)).toEqual([expect.stringMatching(/summaries: has too many summaries — limit 500/)]);
    } finally {
      await project.cleanup();
    }
  });
});

describe('odd keys are reported by name and never touch a prototype', () => {
  it('names __proto__, constructor and prototype in frontmatter with their lines', () => {
    const { problems } = parseSummary(
      '---\ntitle: T\nsummary: S\nroles: [CTO]\n__proto__: {title: polluted}\nconstructor: c\nprototype: p\n---\n',
      'odd.md',
      taxonomy,
    );
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^odd\.md:5: warning: __proto__: is not a summary field/),
      expect.stringMatching(/^odd\.md:6: warning: constructor: is not a summary field/),
      expect.stringMatching(/^odd\.md:7: warning: prototype: is not a summary field/),
    ]);
    expect(({} as Record<string, unknown>).title).toBeUndefined();
  });

  it('keeps "__proto__" an ordinary key in JSON: its content never fills real fields', async () => {
    const json = parseSummary('{"__proto__": {"title": "T", "summary": "S", "roles": ["CTO"]}}', 'p.json', taxonomy);
    expect(json.summary).toBeUndefined();
    expect(json.problems.map(formatProblem)).not.toContainEqual(expect.stringContaining('[object Object]'));
    const project = await tempProject({
      files: { 'issue/issue.json': '{"subject": "s", "date": "2026-11-26", "__proto__": {"summaries": ["a.txt"]}}' },
    });
    try {
      const { problems } = await loadIssue(project.path('issue'), taxonomy);
      expect(errors(problems)).toEqual([expect.stringMatching(/issue\.json:1: summaries: /)]);
    } finally {
      await project.cleanup();
    }
    const subs = parseSubscribersCsv('email,__proto__,constructor\na@example.com,x,y\n', 's.csv', taxonomy);
    expect(subs.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^s\.csv:2: warning: \[0\]\.__proto__: is not a subscriber field/),
      expect.stringMatching(/^s\.csv:2: warning: \[0\]\.constructor: is not a subscriber field/),
    ]);
  });

  it('treats a line "Constructor" in a text summary as text, not as a built-in heading', () => {
    const { problems } = parseSummary(`${HEAD}\nConstructor\nSomething.\n`, 'c.txt', taxonomy);
    expect(problems.map(formatProblem)).toEqual([expect.stringContaining('unknown heading "Constructor"')]);
  });
});

describe('the CLI refuses over-limit input with exit 2 and one line naming the file and the limit', () => {
  let project: TempProject;
  beforeEach(async () => {
    project = await tempProject({ withExample: true });
  });
  afterEach(async () => {
    await project.cleanup();
  });
  const cli = (...args: string[]) => runCli(args, { cwd: project.dir });
  const expectRefused = (result: { code: number | null; stdout: string; stderr: string }, file: string) => {
    const output = `${result.stdout}${result.stderr}`;
    expect(result.code, output).toBe(2);
    expect(output.split('\n').filter((line) => line.startsWith(file) && LIMIT_LINE.test(line))).toHaveLength(1);
    expect(output).not.toMatch(/\n\s+at |RangeError|this is a bug/);
  };

  it('rolecast parse: a summary too large, JSON too deep, frontmatter too deep', async () => {
    await project.write('big.txt', HEAD + 'x'.repeat(LIMITS.summaryBytes));
    await project.write('deep.json', deepJson);
    await project.write('deep.md', `---\n${deepYamlFlow}\n---\nBody.`);
    expectRefused(await cli('parse', 'big.txt'), 'big.txt:');
    expectRefused(await cli('parse', 'deep.json'), 'deep.json:1:');
    expectRefused(await cli('parse', 'deep.md'), 'deep.md:2:');
  });

  it('rolecast check: a 150,000-role subscriber, a deep subscriber list, a deep issue.json, a huge list', async () => {
    const roles = Array.from({ length: 150_000 }, (_, i) => `Role ${i}`);
    await project.write('many.json', JSON.stringify([{ email: 'a@example.com', roles }]));
    const many = await cli('check', 'issues/2026-W48', '--subscribers', 'many.json');
    expect(many.code).toBe(2);
    expect(many.stdout).toContain('many.json:1: [0].roles: has too many roles (150000) — limit 64');
    await project.write('deep.json', deepJson);
    expectRefused(await cli('check', 'issues/2026-W48', '--subscribers', 'deep.json'), 'deep.json:1:');
    // A sparse file: its size is over the limit without using the disk space.
    await sparse(project.path('huge.csv'), LIMITS.subscriberListBytes + 1);
    expectRefused(await cli('check', 'issues/2026-W48', '--subscribers', 'huge.csv'), 'huge.csv:');
    await project.write('issues/2026-W48/issue.json', deepJson);
    expectRefused(await cli('check', 'issues/2026-W48'), 'issues/2026-W48/issue.json:1:');
  });

  it('rolecast check and parse: a config or roles.yaml too deep', async () => {
    await project.write('roles.yaml', `roles: ${'['.repeat(2_000)}`);
    expectRefused(await cli('check', 'issues/2026-W48'), 'roles.yaml:1:');
    await project.write('deep.config.json', deepJson);
    expectRefused(
      await cli('parse', 'issues/2026-W48/summaries/queues.txt', '--config', 'deep.config.json'),
      'deep.config.json:1:',
    );
  });

  it('rolecast suppress import: a deep JSON file and one over the size limit', async () => {
    await project.write('deep.json', deepJson);
    expectRefused(await cli('suppress', 'import', 'deep.json'), 'deep.json:1:');
    await sparse(project.path('huge.csv'), LIMITS.suppressionImportBytes + 1);
    expectRefused(await cli('suppress', 'import', 'huge.csv'), 'huge.csv:');
  });
});

function catchError(run: () => unknown): RolecastError {
  try {
    run();
  } catch (error) {
    if (error instanceof RolecastError) return error;
    throw error;
  }
  throw new Error('expected a RolecastError');
}

async function sparse(file: string, size: number): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.truncate(size);
  } finally {
    await handle.close();
  }
}

describe('the YAML depth scan', () => {
  it('is not fooled by apostrophes, block scalars or comments, and does not flag them either', async () => {
    const { yamlTooDeepAt } = await import('../../src/load/limits.js');
    const deep = '['.repeat(2_000);
    expect(yamlTooDeepAt(`title: it's here\nsummary: ${deep}`)).toBe(2);
    expect(yamlTooDeepAt(`title: "open\nsummary: ${deep}`)).toBe(2);
    expect(yamlTooDeepAt(`summary: |\n  ${deep}\n  ${'{'.repeat(100)}\nroles: [CTO]`)).toBeUndefined();
    expect(yamlTooDeepAt(`summary: >-\n  - - - - -\n\n  x\nroles: ${deep}`)).toBe(5);
    expect(yamlTooDeepAt(`# ${deep}\ntitle: a [b # ${deep}\nroles: ['[[[', "{{{"]`)).toBeUndefined();
  });
});
