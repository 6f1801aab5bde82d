import { mkdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';
import { CONFIG, ROLES } from './_fixture.js';

/**
 * Which roles `new` counts as held decides which picks the size trim gives up first: a role only a
 * suppressed reader holds is read by nobody, a stored reader whose roles were joined in one
 * ("CTO/Designer") reads both, and a state that cannot be read must not stop the week's issue.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

const pool: Record<string, string> = {};
for (const [i, role] of ['CTO', 'Executive', 'Designer'].entries())
  pool[`summaries/s${i}.json`] = JSON.stringify({
    title: `Story ${i}`,
    summary: `About ${role}.`,
    roles: [role],
    url: `https://example.org/s${i}`,
    date: `2026-11-2${i}`,
  });

async function setUp(): Promise<TempProject> {
  project = await tempProject({
    files: { 'rolecast.config.json': JSON.stringify(CONFIG), 'roles.yaml': ROLES, ...pool },
  });
  return project;
}

async function storeReaders(dir: string, readers: Parameters<typeof readerRecord>[]) {
  mkdirSync(`${dir}/.rolecast`, { recursive: true });
  const db = openStateDb(`${dir}/.rolecast/state.db`);
  try {
    const store = sqliteSubscriberStore(db);
    for (const [email, fields] of readers)
      await store.insert(
        readerRecord(email, {
          consent: { at: '2026-12-01T10:00:00.000Z', method: 'import', wording: null },
          ...fields,
        }),
      );
  } finally {
    db.close();
  }
}

describe('new: the roles readers hold', () => {
  it('does not count a role only a suppressed reader of the subscribers file holds', async () => {
    const { dir } = await setUp();
    await writeFile(
      `${dir}/subscribers.json`,
      JSON.stringify([
        { email: 'cto@example.com', roles: ['CTO'] },
        { email: 'gone@example.com', roles: ['Designer'] },
      ]),
    );
    const suppressed = await runMain(dir, ['suppress', 'add', 'gone@example.com', '--reason', 'complaint']);
    expect(suppressed.code, suppressed.all).toBe(0);
    const created = await runMain(dir, ['new', '--week', '2026-W49', '--subscribers', 'subscribers.json']);
    expect(created.code, created.all).toBe(0);
    expect(created.out).toContain('readers: 1 in subscribers.json');
    expect(created.out).toMatch(/roles no reader holds \(.*\): Executive 1, Designer 1/);
  });

  it('does not count a role only a suppressed stored reader holds', async () => {
    const { dir } = await setUp();
    await storeReaders(dir, [
      ['cto@example.com', { roles: ['CTO'] }],
      ['gone@example.com', { roles: ['Designer'] }],
    ]);
    const suppressed = await runMain(dir, ['suppress', 'add', 'gone@example.com']);
    expect(suppressed.code, suppressed.all).toBe(0);
    const created = await runMain(dir, ['new', '--week', '2026-W49']);
    expect(created.code, created.all).toBe(0);
    expect(created.out).toMatch(/readers: 1 in the subscriber store/);
    expect(created.out).toMatch(/roles no reader holds \(.*\): Executive 1, Designer 1/);
  });

  it('counts each role a stored reader holds joined in one ("CTO/Designer") as held', async () => {
    const { dir } = await setUp();
    await storeReaders(dir, [['both@example.com', { roles: ['CTO/Designer'] }]]);
    const created = await runMain(dir, ['new', '--week', '2026-W49']);
    expect(created.code, created.all).toBe(0);
    expect(created.out).toMatch(/readers: 1 in the subscriber store/);
    expect(created.out).toMatch(/roles no reader holds \(.*\): Executive 1\n/);
  });

  it('still writes the issue when the state file cannot be read, picking for every role alike', async () => {
    const { dir } = await setUp();
    mkdirSync(`${dir}/.rolecast`, { recursive: true });
    await writeFile(`${dir}/.rolecast/state.db`, 'this is not a database, it was overwritten by mistake\n'.repeat(200));
    const created = await runMain(dir, ['new', '--week', '2026-W49']);
    expect(created.code, created.all).toBe(0);
    expect(created.out).toMatch(/which roles readers hold could not be known \(.*could not be read/);
  });
});
