import { afterEach, describe, expect, it } from 'vitest';
import { coverageProblems, coverageTable } from '../../src/cli/coverage-table.js';
import { main } from '../../src/cli/main.js';
import { computeCoverage, MAX_VARIANTS } from '../../src/group/coverage.js';
import type { Subscriber } from '../../src/model/subscriber.js';
import { type Summary, SummarySchema } from '../../src/model/summary.js';
import { runCli } from '../helpers/cli.js';
import { captureStreams, REPO_ROOT } from '../helpers/project.js';
import { rawGet, startFixture } from '../preview/_fixture.js';

const summary = (id: string, roles: string[]): Summary =>
  SummarySchema.parse({ id, title: `Title ${id}`, summary: 's', roles });
const reader = (email: string, roles: string[], status: Subscriber['status'] = 'active'): Subscriber => ({
  email,
  roles,
  status,
});

const summaries = [summary('a', ['CTO', 'Executive']), summary('b', ['Security Lead']), summary('c', ['CTO'])];
const readers = [
  reader('cto@x.io', ['CTO']),
  reader('both@x.io', ['Executive', 'CTO']),
  reader('cto2@x.io', ['CTO']),
  reader('design@x.io', ['Designer']),
  reader('gone@x.io', ['Designer'], 'unsubscribed'),
  reader('growth@x.io', ['Growth Lead']),
];

describe('computeCoverage', () => {
  it('builds the role × summary matrix in section order, then roles with none', () => {
    const coverage = computeCoverage({
      summaries,
      roleOrder: ['Security Lead'],
      taxonomyRoles: ['CTO', 'Executive', 'Security Lead', 'Designer'],
    });
    expect(coverage.summaries).toEqual([
      { id: 'a', title: 'Title a' },
      { id: 'b', title: 'Title b' },
      { id: 'c', title: 'Title c' },
    ]);
    expect(coverage.rows).toEqual([
      { role: 'Security Lead', cells: [false, true, false], summaries: 1 },
      { role: 'CTO', cells: [true, false, true], summaries: 2 },
      { role: 'Executive', cells: [true, false, false], summaries: 1 },
      { role: 'Designer', cells: [false, false, false], summaries: 0 },
    ]);
    expect(coverage.rolesWithout).toEqual(['Designer']);
    expect(coverage.audience).toBeUndefined();
  });

  it('counts active readers per role and per variant, and lists who gets nothing', () => {
    const coverage = computeCoverage({ summaries, taxonomyRoles: ['CTO', 'Designer'], subscribers: readers });
    expect(coverage.rows.map((r) => [r.role, r.summaries, r.readers])).toEqual([
      ['CTO', 2, 3],
      ['Executive', 1, 1],
      ['Security Lead', 1, 0],
      ['Designer', 0, 1],
      ['Growth Lead', 0, 1],
    ]);
    expect(coverage.rolesWithout).toEqual(['Designer', 'Growth Lead']);
    expect(coverage.audience).toEqual({
      readers: 5,
      variants: [
        { id: 'cto', roles: ['CTO'], readers: 2 },
        { id: 'cto+executive', roles: ['CTO', 'Executive'], readers: 1 },
      ],
      variantCount: 2,
      tooManyVariants: false,
      getNothing: [
        { email: 'design@x.io', roles: ['Designer'] },
        { email: 'growth@x.io', roles: ['Growth Lead'] },
      ],
    });
  });

  it(`warns only above ${MAX_VARIANTS} distinct role sets`, () => {
    // 21 roles with one summary each; readers holding two of them give up to 210 distinct sets.
    const roles = Array.from({ length: 21 }, (_, i) => `Role ${i}`);
    const many = roles.map((role, i) => summary(`s${i}`, [role]));
    const pairs = roles.flatMap((a, i) => roles.slice(i + 1).map((b) => [a, b]));
    const at = (count: number) =>
      computeCoverage({
        summaries: many,
        subscribers: pairs.slice(0, count).map((p, i) => reader(`r${i}@x.io`, p)),
      });
    expect(at(MAX_VARIANTS).audience).toMatchObject({ variantCount: MAX_VARIANTS, tooManyVariants: false });
    expect(coverageProblems(at(MAX_VARIANTS), 'issue.json')).toEqual([]);
    const over = at(MAX_VARIANTS + 1);
    expect(over.audience).toMatchObject({ variantCount: MAX_VARIANTS + 1, tooManyVariants: true });
    expect(coverageProblems(over, 'issue.json')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        field: 'variants',
        message: expect.stringContaining('201 distinct'),
      }),
    ]);
  });

  it('prints a compact table with a numbered column per summary', () => {
    const text = coverageTable(computeCoverage({ summaries, taxonomyRoles: ['Designer'], subscribers: readers }));
    expect(text.split('\n').slice(0, 4)).toEqual([
      "coverage: 3 summaries × 5 roles (● the role's readers see it)",
      '  ROLE          1 2 3  SUMMARIES  READERS',
      '  CTO           ● · ●          2        3',
      '  Executive     ● · ·          1        1',
    ]);
    expect(text).toContain('  Designer      · · ·          0        1  ← none this week');
    expect(text).toContain('readers who get nothing: 2\n  design@x.io (Designer)\n  growth@x.io (Growth Lead)');
  });
});

describe('coverage in check and the preview', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('check prints the matrix and --json includes it', async () => {
    const args = ['check', 'issues/2026-W48', '--subscribers', 'subscribers.example.json'];
    const result = await runCli(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/coverage: 9 summaries × 14 roles/);
    expect(result.stdout).toMatch(/ {2}Designer +(· ){8}· +0 +1 {2}← none this week/);
    expect(result.stdout).toContain('readers who get nothing: 1\n  sam.okafor@example.org (Designer)');

    const io = captureStreams();
    const code = await main([...args, '--json'], {
      cwd: REPO_ROOT,
      env: {},
      ...io,
      signal: new AbortController().signal,
    });
    expect(code).toBe(0);
    const report = JSON.parse(io.out);
    expect(report.coverage.rows.find((r: { role: string }) => r.role === 'CTO')).toMatchObject({
      summaries: 3,
      readers: 3,
    });
    expect(report.coverage.audience).toMatchObject({ readers: 11, variantCount: 10 });
    expect(report.coverage.audience.getNothing).toEqual([{ email: 'sam.okafor@example.org', roles: ['Designer'] }]);
  }, 150_000);

  it("the preview's checks panel shows the same matrix and readers", async () => {
    const fixture = await startFixture();
    close = fixture.close;
    const page = await rawGet(fixture.preview.port, '/');
    expect(page.status).toBe(200);
    const table = /<table class="coverage">[\s\S]*?<\/table>/.exec(page.body)?.[0] ?? '';
    expect(table).toContain('<tr data-role="Designer" class="none"><td>Designer</td>');
    const cto = /<tr data-role="CTO">([\s\S]*?)<\/tr>/.exec(table)?.[1] ?? '';
    expect(cto.match(/●/g)?.length).toBe(3);
    expect(page.body).toContain('11 active reader(s) in 10 variant(s)');
    expect(page.body).toContain('<li>sam.okafor@example.org (Designer)</li>');
  });
});
