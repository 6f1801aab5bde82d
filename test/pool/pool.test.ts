import { afterEach, describe, expect, it } from 'vitest';
import { buildArchive } from '../../src/archive/build.js';
import { formatProblem } from '../../src/errors.js';
import { loadIssue } from '../../src/load/issue.js';
import { inspectProject } from '../../src/load/project.js';
import { parseSummary } from '../../src/load/summary.js';
import { loadPool } from '../../src/pool/index.js';
import { createTaxonomy, loadTaxonomy } from '../../src/roles/taxonomy.js';
import type { TempProject } from '../helpers/project.js';
import { poolProject, touch } from './_fixture.js';

const issue = (summaries: string[]) =>
  `{\n  "subject": "S",\n  "date": "2026-12-03",\n  "summaries": [\n${summaries.map((s) => `    "${s}"`).join(',\n')}\n  ]\n}\n`;

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('summary date and status fields', () => {
  const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

  it.each([
    ['a.txt', 'T\nDate: 2026-11-20\nStatus: Draft\nSummary\nBody.\nBest for: CTO\n'],
    ['a.json', '{"title":"T","summary":"Body.","roles":["CTO"],"date":"2026-11-20","status":"draft"}'],
    ['a.md', '---\ntitle: T\ndate: 2026-11-20\nstatus: draft\nroles: [CTO]\n---\n\nBody.\n'],
  ])('reads date and status from %s without warnings', (file, text) => {
    const { summary, problems } = parseSummary(text, file, taxonomy);
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({ date: '2026-11-20', status: 'draft', summary: 'Body.' });
  });

  it('rejects a date that is not YYYY-MM-DD, naming its line', () => {
    const { summary, problems } = parseSummary(
      'T\nSummary\nBody.\nDate: 20/11/2026\nBest for: CTO\n',
      'a.txt',
      taxonomy,
    );
    expect(summary).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      expect.stringContaining('a.txt:4: date: must be a date written as YYYY-MM-DD'),
    ]);
  });
});

describe('loadPool', () => {
  it('lists entries newest first with id, path, date, status, roles and uses', async () => {
    const made = await poolProject({
      'issues/2026-W48/issue.json': issue(['pool:flags', '../../summaries/focus.md']),
    });
    project = made.project;
    const pool = await loadPool(made.config);
    expect(pool.problems).toEqual([]);
    expect(
      pool.entries.map(({ id, ref, date, dateFrom, status, roles, usedIn }) => ({
        id,
        ref,
        date,
        dateFrom,
        status,
        roles,
        usedIn,
      })),
    ).toEqual([
      {
        id: 'contracts',
        ref: 'pool:contracts',
        date: '2026-11-28',
        dateFrom: 'field',
        status: 'draft',
        roles: ['Designer'],
        usedIn: [],
      },
      {
        id: 'queues',
        ref: 'pool:queues',
        date: '2026-11-27',
        dateFrom: 'field',
        status: 'ready',
        roles: ['CTO', 'Executive'],
        usedIn: [],
      },
      {
        id: 'flags',
        ref: 'pool:flags',
        date: '2026-11-25',
        dateFrom: 'field',
        status: 'ready',
        roles: ['CTO'],
        usedIn: ['2026-W48'],
      },
      {
        id: 'focus',
        ref: 'pool:focus',
        date: '2026-11-20',
        dateFrom: 'field',
        status: 'ready',
        roles: ['Executive'],
        usedIn: ['2026-W48'],
      },
    ]);
    expect(pool.entries[0]?.path).toBe(project.path('summaries/contracts.md'));
  });

  it('counts the uses of an issue.json saved with a byte order mark, which the issue loads with', async () => {
    // A Windows editor (or the preview's editor panel, which keeps a BOM) saved it so: the issue
    // loads and was sent; its pool summaries must not look unused, or `new` picks them again.
    const made = await poolProject({ 'issues/2026-W48/issue.json': `\uFEFF${issue(['pool:flags'])}` });
    project = made.project;
    const pool = await loadPool(made.config);
    expect(pool.problems).toEqual([]);
    expect(pool.entries.find((e) => e.id === 'flags')?.usedIn).toEqual(['2026-W48']);
  });

  it("falls back to the file's modification time, in the configured zone, and says so", async () => {
    const made = await poolProject({ 'summaries/undated.txt': 'Undated\nSummary\nBody.\nBest for: CTO\n' });
    project = made.project;
    // 23:30 UTC is already the next day in Berlin.
    await touch(project.path('summaries/undated.txt'), '2026-11-29T23:30:00Z');
    const entry = (await loadPool(made.config)).entries.find((e) => e.id === 'undated');
    expect(entry).toMatchObject({ date: '2026-11-30', dateFrom: 'mtime', status: 'ready' });
  });

  it('reports a broken pool file and a shared id, and leaves both out', async () => {
    const made = await poolProject({
      'summaries/broken.txt': 'Broken\nSummary\nBody.\n',
      'summaries/queues.md': '---\ntitle: Q\nroles: [CTO]\n---\n\nBody.\n',
    });
    project = made.project;
    const pool = await loadPool(made.config);
    expect(pool.entries.map((e) => e.id)).toEqual(['contracts', 'flags', 'focus']);
    expect(pool.problems.map(formatProblem)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('broken.txt'),
        expect.stringMatching(/queues\.txt: id: pool id "queues" is also used by .*queues\.md/),
      ]),
    );
  });

  it('warns about a subfolder and a file of another kind, which are not pool summaries', async () => {
    const made = await poolProject({
      'summaries/older/archived.txt': 'Archived\nSummary\nBody.\nBest for: CTO\n',
      'summaries/notes.yaml': 'title: Not a summary format\n',
      'summaries/.DS_Store': '',
    });
    project = made.project;
    const pool = await loadPool(made.config);
    expect(pool.entries.map((e) => e.id).sort()).toEqual(['contracts', 'flags', 'focus', 'queues']);
    expect(pool.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/notes\.yaml: warning: is not a summary file \(\.txt, .*\), so it is not in the pool/),
      expect.stringMatching(/older\/: warning: is a folder in the pool, which is read flat/),
    ]);
  });

  it('is empty, not an error, when the pool folder does not exist', async () => {
    const made = await poolProject({}, { pool: 'elsewhere' });
    project = made.project;
    const pool = await loadPool(made.config);
    expect(pool).toMatchObject({ exists: false, entries: [], problems: [] });
  });
});

describe('issue.json naming pool entries', () => {
  it('loads "pool:<id>" entries from the pool folder, beside paths', async () => {
    const made = await poolProject({
      'issues/2026-W49/issue.json': issue(['pool:queues', 'local.txt', 'pool:focus']),
      'issues/2026-W49/local.txt': 'Local\nSummary\nBody.\nBest for: CTO\n',
    });
    project = made.project;
    const taxonomy = await loadTaxonomy(made.config.rolesFile);
    const { issue: loaded, problems } = await loadIssue(project.path('issues/2026-W49'), taxonomy, {
      poolDir: made.config.poolDir,
    });
    expect(problems).toEqual([]);
    expect(loaded?.summaries.map((s) => s.id)).toEqual(['queues', 'local', 'focus']);
    expect(loaded?.files.get('queues')).toBe(project.path('summaries/queues.txt'));
  });

  it('names an unknown pool id at its manifest line, with a did-you-mean', async () => {
    const made = await poolProject({ 'issues/2026-W49/issue.json': issue(['pool:queues', 'pool:queus']) });
    project = made.project;
    const taxonomy = await loadTaxonomy(made.config.rolesFile);
    const { problems } = await loadIssue(project.path('issues/2026-W49'), taxonomy, { poolDir: made.config.poolDir });
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /issue\.json:6: summaries\[1\]: names pool summary "queus", which is not in .*summaries — did you mean "pool:queues"\?/,
      ),
    ]);
  });

  it('suggests "pool:<id>" when a bare name is not a file but is in the pool', async () => {
    const made = await poolProject({ 'issues/2026-W49/issue.json': issue(['queues']) });
    project = made.project;
    const taxonomy = await loadTaxonomy(made.config.rolesFile);
    const { problems } = await loadIssue(project.path('issues/2026-W49'), taxonomy, { poolDir: made.config.poolDir });
    expect(problems.map(formatProblem)).toEqual([expect.stringContaining('did you mean "pool:queues"?')]);
  });

  it('warns when a pool summary is also in another issue, whose readers would read it twice', async () => {
    const made = await poolProject({
      'issues/2026-W49/issue.json': issue(['pool:queues', 'pool:flags']),
      'issues/2026-W50/issue.json': issue(['pool:queues', 'pool:focus']),
    });
    project = made.project;
    const { problems } = await inspectProject({ issueDir: 'issues/2026-W50', cwd: project.dir });
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /2026-W50\/issue\.json: warning: summaries: pool summary "queues" is also in issue 2026-W49 — readers of both/,
      ),
    ]);
    // The archive publishes issues long sent: it does not warn (which read every manifest per issue).
    const archive = await buildArchive({
      issuesDir: 'issues',
      outDir: 'site',
      cwd: project.dir,
      now: () => new Date('2027-01-01T12:00:00Z'),
    });
    expect(archive.entries.map((entry) => entry.id)).toEqual(['2026-W50', '2026-W49']);
    expect(archive.problems.map(formatProblem).filter((line) => line.includes('also in'))).toEqual([]);
  });
});
