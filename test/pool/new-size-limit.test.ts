import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * With many roles and long summaries, the issue `new` prefilled came out over the clip limit, so
 * `check` and `build` refused the very issue `new` had just written. `new` now leaves out the
 * summaries picked last until the issue passes its own size gate, and names them.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const paragraph = (topic: string) =>
  Array.from(
    { length: 14 },
    (_, i) => `Point ${i + 1} on ${topic}: teams that measure it weekly find the cost early.`,
  ).join(' ');

const pool: Record<string, string> = {};
for (let i = 1; i <= 9; i++) {
  const role = ['CTO', 'Executive', 'Designer'][i % 3]!;
  pool[`summaries/long-${i}.json`] = JSON.stringify({
    title: `Long read number ${i}`,
    summary: paragraph(`topic ${i}`),
    roles: [role],
    url: `https://example.org/long-${i}`,
    date: `2026-11-${String(10 + i).padStart(2, '0')}`,
  });
}

describe('new and the size gate', () => {
  it('writes an issue check accepts, naming the summaries left out for room', async () => {
    const made = await poolProject(pool, { sizeLimitKb: 30, sizeWarnKb: 25 });
    project = made.project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(0);
    expect(created.out).toMatch(
      /left out \d+ summar(y|ies) picked last, as with (it|them) the issue measured [\d.]+ KB, over the 30 KB limit/,
    );
    expect(created.out).toMatch(/summaries\/long-\d\.json \((CTO|Executive|Designer)\)/);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W49/issue.json'), 'utf8'));
    const kept = issue.summaries.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeGreaterThan(1);
    expect(kept).toBeLessThan(8);
    expect(created.out).toMatch(new RegExp(`: ${kept} summaries from`));
    const checked = await runMain(project.dir, ['check', 'issues/2026-W49']);
    expect(checked.out).not.toMatch(/over the 30 KB limit/);
    expect(checked.code).toBe(0);
  });

  it('leaves every pick in when the issue is under the limit', async () => {
    const made = await poolProject(pool);
    project = made.project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(0);
    expect(created.out).not.toMatch(/left out/);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(issue.summaries.length).toBe(8);
  });
});
