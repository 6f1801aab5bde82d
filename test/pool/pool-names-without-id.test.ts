import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * Three pool files with one id (grids.json, grids.md, grids.txt) were reported once, naming two:
 * the third was left out of the pool unnamed. Pool files named in another script (日本語.txt,
 * 한국어.md) all made the empty id, reported as `pool id "" is also used by …` for one of them, the
 * rest unnamed. Every such file is now named, with what a pool id is made of.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const NO_ID =
  'has no pool id: a pool id is the file name in lower-case letters a-z, digits and dashes, and this name has none';

type Listed = { problems: { file: string; field?: string; message: string }[]; entries: { id: string }[] };

async function listPool(): Promise<Listed & { code: number }> {
  const listed = await runMain(project!.dir, ['pool', '--json']);
  const parsed = JSON.parse(listed.out) as Listed;
  const relative = (text: string) => text.replaceAll(`${project!.dir}/`, '');
  const problems = parsed.problems.map((p) => ({ ...p, file: relative(p.file), message: relative(p.message) }));
  return { ...parsed, problems, code: listed.code };
}

describe('pool files whose names make no id of their own', () => {
  it('names every copy of one id past the first, whatever its format', async () => {
    project = (
      await poolProject({
        'summaries/grids.txt': 'Grids\nDate: 2026-11-26\nSummary\nGrids.\nBest for: Designer\n',
        'summaries/grids.json': JSON.stringify({ title: 'Grids', summary: 'G.', roles: ['Designer'] }),
        'summaries/grids.md': '---\ntitle: Grids\nroles: [Designer]\n---\n\nG.\n',
      })
    ).project;
    const { code, problems, entries } = await listPool();
    expect(code).toBe(2);
    expect(problems.filter((p) => p.field === 'id').map((p) => [p.file, p.message])).toEqual([
      ['summaries/grids.md', 'pool id "grids" is also used by summaries/grids.json'],
      ['summaries/grids.txt', 'pool id "grids" is also used by summaries/grids.json'],
    ]);
    expect(entries.map((e) => e.id)).toEqual(['contracts', 'queues', 'flags', 'focus']);
  });

  it('names each file whose name has no letter or digit a-z, 0-9, in pool and new, and picks the rest', async () => {
    project = (
      await poolProject({
        'summaries/日本語.txt': 'Nihon\nDate: 2026-11-26\nSummary\nJa.\nBest for: CTO\n',
        'summaries/한국어.md': '---\ntitle: Hangul\ndate: 2026-11-26\nroles: [Designer]\n---\n\nKo.\n',
        'summaries/…!.json': JSON.stringify({ title: 'Dots', summary: 'D.', roles: ['CTO'], date: '2026-11-26' }),
      })
    ).project;
    const { code, problems, entries } = await listPool();
    expect(code).toBe(2);
    expect(
      problems
        .filter((p) => p.field === 'id')
        .map((p) => [p.file, p.message])
        .sort(),
    ).toEqual([
      ['summaries/…!.json', NO_ID],
      ['summaries/日本語.txt', NO_ID],
      ['summaries/한국어.md', NO_ID],
    ]);
    expect(entries.map((e) => e.id)).toEqual(['contracts', 'queues', 'flags', 'focus']);

    const created = await runMain(project.dir, ['new', '--week', '2026-W50']);
    expect(created.code).toBe(2);
    expect(created.err).toContain(`summaries/日本語.txt: id: ${NO_ID}`);
    expect(created.err).toContain(`summaries/한국어.md: id: ${NO_ID}`);
    expect(created.err).not.toContain('pool id ""');
  });
});
