import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { openStateDb } from '../../src/send/store.js';
import {
  newReader,
  noteFileFields,
  overlayReaderChanges,
  roleSpellingsOf,
  type SubscriberStore,
  sqliteSubscriberStore,
} from '../../src/store/index.js';

/**
 * A field a reader of a subscribers file set themselves is the file's once a send went out with the
 * editor's value for it: an editor who changes it and later writes back what the file said before
 * means the file's value, not the reader's old choice.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
// Every file below was last written before the reader's choice, as a copy that keeps an old time is.
const WRITTEN_AT = new Date('2026-11-20T10:00:00.000Z');

let dir: string;
let db: Database.Database;
let store: SubscriberStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-editor-change-'));
  db = openStateDb(join(dir, 'state.db'));
  store = sqliteSubscriberStore(db);
  await store.insert(
    newReader('ann@example.com', new Date(CHOSE_AT), {
      name: 'Annie',
      roles: ['Executive'],
      readerChangedAt: CHOSE_AT,
      readerFields: { name: CHOSE_AT, roles: CHOSE_AT },
    }),
  );
});

afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

/** What a send that goes ahead does with the store: lays it over the file, then notes the file. */
async function send(file: Subscriber[], day: number): Promise<Subscriber> {
  const readers = new Map((await store.list()).map((reader) => [reader.email, reader]));
  const now = new Date(Date.UTC(2026, 11, day, 8));
  const overlaid = overlayReaderChanges(file, readers, WRITTEN_AT, now);
  await noteFileFields(store, overlaid.notes, now);
  return overlaid.subscribers[0]!;
}

const ann = (fields: Partial<Subscriber>): Subscriber[] => [
  { email: 'ann@example.com', name: 'Ann Lee', roles: ['CTO'], status: 'active', ...fields },
];

describe('an editor’s change to a field a reader of a subscribers file set', () => {
  it('stays the file’s when the editor writes back what the file said before', async () => {
    expect(await send(ann({}), 2)).toMatchObject({ name: 'Annie', roles: ['Executive'] });
    // A rewrite that leaves Ann's line as it was keeps her choices.
    expect(await send(ann({}), 3)).toMatchObject({ name: 'Annie', roles: ['Executive'] });
    // The editor changes her roles: the file's.
    expect(await send(ann({ roles: ['Developer'] }), 4)).toMatchObject({ name: 'Annie', roles: ['Developer'] });
    // And then writes back what the file said before: still the file's, not her old choice.
    expect(await send(ann({}), 5)).toMatchObject({ name: 'Annie', roles: ['CTO'] });
    expect(await send(ann({}), 6)).toMatchObject({ name: 'Annie', roles: ['CTO'] });
    const stored = await store.get('ann@example.com');
    expect(stored?.readerFields).toEqual({ name: CHOSE_AT });
    expect(Object.keys(stored?.fileFields ?? {})).toEqual(['name']);
    expect((await store.auditOf('ann@example.com')).map((entry) => entry.change)).toEqual([
      "roles: the subscribers file's from now on (its editor changed it)",
    ]);
  });

  it('is the reader’s again once they set the field again after it', async () => {
    await send(ann({}), 2);
    await send(ann({ roles: ['Developer'] }), 3);
    const later = '2026-12-04T10:00:00.000Z';
    const reader = await store.get('ann@example.com');
    await store.update(
      'ann@example.com',
      { roles: ['Executive'], readerFields: { ...reader?.readerFields, roles: later } },
      new Date(later),
    );
    expect(await send(ann({ roles: ['Developer'] }), 5)).toMatchObject({ roles: ['Executive'] });
    expect(await send(ann({ roles: ['Developer'] }), 6)).toMatchObject({ roles: ['Executive'] });
  });

  it('hands nothing back while the reader’s choice is newer than the one the send read', async () => {
    await send(ann({}), 2);
    const readers = new Map((await store.list()).map((reader) => [reader.email, reader]));
    const overlaid = overlayReaderChanges(ann({ roles: ['Developer'] }), readers, WRITTEN_AT, new Date(CHOSE_AT));
    // Meanwhile, on the preferences page, Ann picks her roles again.
    const later = '2026-12-03T10:00:00.000Z';
    await store.update(
      'ann@example.com',
      { roles: ['Product Manager'], readerFields: { name: CHOSE_AT, roles: later } },
      new Date(later),
    );
    await noteFileFields(store, overlaid.notes, new Date(later));
    expect(await send(ann({ roles: ['Developer'] }), 4)).toMatchObject({ roles: ['Product Manager'] });
  });
});

describe('roles noted under a name roles.yaml later makes an alias', () => {
  const spellings = roleSpellingsOf([{ name: 'ML Engineer', aliases: ['Machine Learning Engineer', 'Model  Ops'] }]);

  it('are the same roles, and a real change of them is the editor’s', async () => {
    const now = new Date('2026-12-02T08:00:00.000Z');
    let readers = new Map((await store.list()).map((reader) => [reader.email, reader]));
    await noteFileFields(
      store,
      overlayReaderChanges(ann({ roles: ['Model Ops'] }), readers, WRITTEN_AT, now).notes,
      now,
    );
    readers = new Map((await store.list()).map((reader) => [reader.email, reader]));
    const later = new Date('2026-12-03T08:00:00.000Z');
    const renamed = ann({ roles: ['ML Engineer', 'CTO'] });
    // Read by the taxonomy of the day, the file's "Model Ops" is ML Engineer.
    const same = overlayReaderChanges(
      ann({ roles: ['ML Engineer'] }),
      readers,
      WRITTEN_AT,
      later,
      undefined,
      undefined,
      spellings,
    );
    expect(same.subscribers[0]?.roles).toEqual(['Executive']);
    const changed = overlayReaderChanges(renamed, readers, WRITTEN_AT, later, undefined, undefined, spellings);
    expect(changed.subscribers[0]?.roles).toEqual(['ML Engineer', 'CTO']);
  });
});

describe('a file written after the reader’s choice, before a send noted it', () => {
  it('wins that send by its time alone, and leaves the field the reader’s: only a change of what was noted hands it over', async () => {
    const readers = new Map((await store.list()).map((reader) => [reader.email, reader]));
    const now = new Date('2026-12-02T08:00:00.000Z');
    // A copy on another host, written after Ann chose: no editor's change is known.
    const overlaid = overlayReaderChanges(ann({}), readers, new Date('2026-12-01T12:00:00.000Z'), now);
    expect(overlaid.subscribers[0]).toMatchObject({ name: 'Ann Lee', roles: ['CTO'] });
    await noteFileFields(store, overlaid.notes, now);
    expect((await store.get('ann@example.com'))?.readerFields).toEqual({ name: CHOSE_AT, roles: CHOSE_AT });
  });
});
