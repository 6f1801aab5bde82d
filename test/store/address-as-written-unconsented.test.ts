import { mkdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/send/store.js';
import { sqliteSubscriberStore } from '../../src/store/index.js';
import { runMain, type TempProject, tempProject } from '../helpers/project.js';
import { readerRecord } from '../helpers/readers.js';

/**
 * A record the preferences page kept with no consent (a file reader who saved their settings) holds
 * only the key. A list or `subscribers add` that makes a reader of it spells the address: mail goes
 * there as written, as for an address new to the store.
 */

let project: TempProject;
beforeEach(async () => {
  project = await tempProject({ withExample: true });
  mkdirSync(project.path('.rolecast'), { recursive: true });
  const db = openStateDb(project.path('.rolecast/state.db'));
  try {
    await sqliteSubscriberStore(db).insert(readerRecord('john.smith@example.com', { roles: ['CTO'], consent: null }));
  } finally {
    db.close();
  }
});
afterEach(async () => {
  await project.cleanup();
});

async function exported(): Promise<string[]> {
  const out = await runMain(project.dir, ['subscribers', 'export', '--format', 'json']);
  expect(out.code, out.all).toBe(0);
  return (JSON.parse(out.out) as { subscribers: { email: string }[] }).subscribers.map((r) => r.email);
}

describe('a record kept with no consent, made a reader', () => {
  it('by a list imported without --update is mailed at the list’s spelling', async () => {
    await project.write('list.json', JSON.stringify([{ email: 'John.Smith@example.com', roles: ['CTO'] }]));
    const imported = await runMain(project.dir, ['subscribers', 'import', 'list.json']);
    expect(imported.code, imported.all).toBe(0);
    expect(await exported()).toEqual(['John.Smith@example.com']);
  });

  it('by subscribers add is mailed at the address as typed', async () => {
    const added = await runMain(project.dir, ['subscribers', 'add', 'John.Smith@example.com', '--roles', 'CTO']);
    expect(added.code, added.all).toBe(0);
    expect(await exported()).toEqual(['John.Smith@example.com']);
  });

  it('by a list in lower case stays at the key', async () => {
    await project.write('list.json', JSON.stringify([{ email: 'john.smith@example.com', roles: ['CTO'] }]));
    expect((await runMain(project.dir, ['subscribers', 'import', 'list.json'])).code).toBe(0);
    expect(await exported()).toEqual(['john.smith@example.com']);
  });
});
