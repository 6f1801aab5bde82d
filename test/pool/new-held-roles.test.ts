import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { CONFIG, ROLES } from './_fixture.js';

/**
 * `new` read no readers, so it went round every role of roles.yaml alike: a pick spent on a role
 * nobody holds came before a held role's, and when the size trim gave up the picks made last, the
 * only role readers held could be left with none while the issue kept summaries nobody reads.
 * Given the readers (a subscribers file, or the store, as send reads them), it now picks for the
 * roles they hold first and names the roles nobody holds; without them it says it could not know.
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

/** One long summary per role, Designer's the oldest: alone, one fits under the limit. */
const three = Object.fromEntries(
  ['summaries/long-7.json', 'summaries/long-8.json', 'summaries/long-9.json'].map((file) => [file, pool[file]!]),
);

const designers = JSON.stringify([
  { email: 'dana@example.com', roles: ['Designer'] },
  { email: 'dev@example.com', roles: ['Designer'] },
  { email: 'left@example.com', roles: ['CTO'], status: 'unsubscribed' },
]);

async function picked(dir: string): Promise<string[]> {
  return JSON.parse(await readFile(`${dir}/issues/2026-W49/issue.json`, 'utf8')).summaries;
}

describe('new and the roles readers hold', () => {
  it('keeps the held role covered when the size trim gives up picks', async () => {
    project = await tempProject({
      files: {
        'rolecast.config.json': JSON.stringify({ ...CONFIG, sizeLimitKb: LIMIT, sizeWarnKb: LIMIT - 5 }),
        'roles.yaml': ROLES,
        'subscribers.json': designers,
        ...three,
      },
    });
    const created = await runMain(project.dir, ['new', '--week', '2026-W49', '--subscribers', 'subscribers.json']);
    expect(created.code).toBe(0);
    // Designer, the one role readers hold, is last in roles.yaml: it still gets the picks kept.
    const kept = await picked(project.dir);
    expect(kept).toEqual(['pool:long-8']);
    expect(created.out).toContain(
      'readers: 2 in subscribers.json; every role they hold was picked for before any other',
    );
    expect(created.out).toMatch(/roles no reader holds \(.*\): CTO 0, Executive 0/);
    expect(created.out).toMatch(/left out 2 summaries picked last/);
  });

  it('picks for held roles first from the subscriber store when no file is given', async () => {
    project = await tempProject({
      files: {
        'rolecast.config.json': JSON.stringify(CONFIG),
        'roles.yaml': ROLES,
        'subscribers.json': designers,
        ...pool,
      },
    });
    const imported = await runMain(project.dir, ['subscribers', 'import', 'subscribers.json']);
    expect(imported.code).toBe(0);
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/readers: 2 in the subscriber store \(.*state\.db\)/);
    expect(created.out).toMatch(/roles no reader holds \(.*\): CTO 3, Executive 3/);
  });

  it('says it could not know without readers, and picks as before', async () => {
    project = await tempProject({
      files: { 'rolecast.config.json': JSON.stringify(CONFIG), 'roles.yaml': ROLES, ...pool },
    });
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(0);
    expect(created.out).toMatch(
      /which roles readers hold could not be known \(no --subscribers file was given and the subscriber store \(.*\) has no readers\)/,
    );
    expect(await picked(project.dir)).toHaveLength(9);
  });
});
const LIMIT = 28;
