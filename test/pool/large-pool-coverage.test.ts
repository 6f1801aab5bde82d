import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageTable } from '../../src/cli/coverage-table.js';
import { formatProblem } from '../../src/errors.js';
import { computeCoverage } from '../../src/group/coverage.js';
import { loadPool, type Pool } from '../../src/pool/index.js';
import { REPO_ROOT, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A pool of 240 summaries as editors keep one: three formats, roles written as aliases, Windows
 * line endings, a byte order mark, Latin-1 bytes, and files that are no summaries. Every summary
 * that reads is an entry, every file that does not is named, and the coverage by role is what a
 * count by hand gives.
 */

const ROLES: string[][] = [
  ['CTO', 'Chief Technology Officer', 'Head of Technology'],
  ['Executive', 'CEO', 'Founder'],
  ['Engineering Manager', 'EM', 'Team Lead'],
  ['Software Engineer', 'Developer', 'Backend Engineer'],
  ['Data Scientist', 'Data Analyst'],
  ['Product Manager', 'PM', 'Product Owner'],
  ['Security Lead', 'CISO'],
];
const COUNT = 240;

let project: TempProject;
let pool: Pool;
/** Summaries per canonical role, counted as the files are written. */
const expected = new Map<string, number>();

function rolesFor(i: number): { written: string[]; canonical: string[] } {
  const chosen = [ROLES[i % ROLES.length]!, ROLES[(i * 3 + 1) % ROLES.length]!].slice(0, 1 + (i % 2));
  const unique = chosen.filter((r, k) => chosen.indexOf(r) === k);
  return {
    written: unique.map((r, k) => r[(i + k) % r.length]!),
    canonical: unique.map((r) => r[0]!),
  };
}

function fileFor(i: number, written: string[]): [string, string | Buffer] {
  const title = `Measure the Cost of Waiting, Case ${i}`;
  const text = `Team ${i} timed how long work waited between hand-offs and found most of a week lost.`;
  const date = `2026-11-${String(1 + (i % 28)).padStart(2, '0')}`;
  const url = `https://blog.example.com/posts/${i}`;
  const id = `case-${String(i).padStart(3, '0')}`;
  if (i % 3 === 0) {
    let body = `${title}\nDate: ${date}\nSummary\n${text}\nBest for: ${written.join(', ')}\nLink: ${url}\n`;
    if (i % 30 === 0) body = `\uFEFF${body.replace(/\n/g, '\r\n')}`;
    if (i % 45 === 3) return [`${id}.txt`, Buffer.from(body.replace('Cost', 'Café Cost'), 'latin1')];
    return [`${id}.txt`, body];
  }
  if (i % 3 === 1) return [`${id}.json`, JSON.stringify({ title, date, summary: text, roles: written, url }, null, 2)];
  return [
    `${id}.md`,
    `---\ntitle: "${title}"\ndate: ${date}\nroles: [${written.join(', ')}]\nurl: ${url}\n---\n\n${text}\n`,
  ];
}

beforeAll(async () => {
  const files: Record<string, string | Buffer> = {};
  for (let i = 0; i < COUNT; i++) {
    const { written, canonical } = rolesFor(i);
    const [name, content] = fileFor(i, written);
    files[`summaries/${name}`] = content;
    for (const role of canonical) expected.set(role, (expected.get(role) ?? 0) + 1);
  }
  const roles = await readFile(join(REPO_ROOT, 'roles.yaml'), 'utf8');
  const made = await poolProject({ 'roles.yaml': roles });
  project = made.project;
  for (const [name, content] of Object.entries(files)) await project.write(name, content);
  // Files that are not summaries, and one reached through a link.
  await project.write('summaries/empty.txt', '');
  await project.write('summaries/notes.txt', 'ideas for next week\n- chase the pricing piece\n');
  await project.write('summaries/.DS_Store', Buffer.from([0, 0, 0, 1]));
  await project.write('summaries/archive/case-001.txt', 'Archived\nSummary\nOld.\nBest for: CTO\n');
  await symlink('case-001.json', project.path('summaries/linked.json'));
  // The link is an entry of its own, so its roles count once more.
  for (const role of rolesFor(1).canonical) expected.set(role, (expected.get(role) ?? 0) + 1);
  pool = await loadPool(made.config);
}, 60_000);
afterAll(() => project.cleanup());

describe('a pool of 240 summaries', () => {
  it('reads every summary, and names every file it leaves out with why', () => {
    // The fixture's own four files, the 240, and the link.
    expect(pool.entries.filter((e) => e.id.startsWith('case-'))).toHaveLength(COUNT);
    expect(pool.entries.map((e) => e.id)).toContain('linked');
    const named = pool.problems.map(formatProblem);
    expect(named).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/summaries\/empty\.txt:1: file: is empty/),
        expect.stringMatching(/summaries\/notes\.txt:1: summary: the "Summary" section is missing/),
        expect.stringMatching(/summaries\/archive\/: warning: is a folder in the pool/),
      ]),
    );
    // Latin-1 files are read, with a warning each; nothing else about the 240 is wrong.
    const about240 = pool.problems.filter((p) => /case-\d{3}/.test(p.file ?? ''));
    expect(about240.every((p) => p.severity === 'warning' && p.message.includes('not UTF-8'))).toBe(true);
  });

  it('counts each role as a count by hand does, aliases read as their role', () => {
    const summaries = pool.entries.filter((e) => e.id.startsWith('case-') || e.id === 'linked').map((e) => e.summary);
    const coverage = computeCoverage({ summaries });
    const counted = Object.fromEntries(coverage.rows.map((r) => [r.role, r.summaries]));
    expect(counted).toEqual(Object.fromEntries(expected));
  });

  it('prints coverage a terminal can show: no row wider than the roles and counts', () => {
    const summaries = pool.entries.map((e) => e.summary);
    const text = coverageTable(computeCoverage({ summaries, taxonomyRoles: ROLES.map((r) => r[0]!) }));
    const widest = Math.max(...text.split('\n').map((line) => line.length));
    expect(widest).toBeLessThanOrEqual(160);
    expect(text).toMatch(/\n {2}CTO +\d+\n/);
    expect(text).toContain('too many for the matrix: --json and the preview show it');
  });
});
