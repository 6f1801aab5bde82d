import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { openStateDb } from '../../src/send/store.js';
import { fileEntryHash, fileFieldHash, writtenEntryHash, writtenRolesHash } from '../../src/store/fields.js';
import {
  newReader,
  noteFileFields,
  overlayReaderChanges,
  roleSpellingsOf,
  sqliteSubscriberStore,
} from '../../src/store/index.js';

/**
 * A send noted the roles a subscribers file wrote for a reader who chose their own. The file then
 * writes them with another spelling of the same role (an alias, as an export writes job titles):
 * no change, and the reader keeps their roles. When roles.yaml later makes that alias a role of
 * its own, the file has not been written since: still no change of its editor's.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
const WRITTEN_AT = new Date('2026-11-20T10:00:00.000Z');
const NOW = new Date('2026-12-05T08:00:00.000Z');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rolecast-respelled-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const before = [{ name: 'Director of AI/ML', aliases: ['Head of ML'] }];
const split = [
  { name: 'Director of AI/ML', aliases: [] },
  { name: 'Head of ML', aliases: [] },
];

describe('roles a file respells with an alias that roles.yaml later splits out', () => {
  it('stay the reader’s own', async () => {
    const db = openStateDb(join(dir, 'state.db'));
    try {
      const store = sqliteSubscriberStore(db);
      const noted: Subscriber = { email: 'ann@example.com', roles: ['Director of AI/ML'], status: 'active' };
      await store.insert(
        newReader('ann@example.com', new Date(CHOSE_AT), {
          roles: ['CTO'],
          readerChangedAt: CHOSE_AT,
          readerFields: { roles: CHOSE_AT },
          fileFields: {
            roles: {
              at: CHOSE_AT,
              said: fileFieldHash(noted, 'roles'),
              written: writtenRolesHash(['Director of AI/ML']),
            },
          },
        }),
      );
      const send = async (read: Subscriber, written: string[], taxonomy: typeof before) => {
        const readers = new Map((await store.list()).map((reader) => [reader.email, reader]));
        const overlaid = overlayReaderChanges(
          [read],
          readers,
          WRITTEN_AT,
          NOW,
          new Map(),
          new Map(),
          roleSpellingsOf(taxonomy),
          () => written,
        );
        await noteFileFields(store, overlaid.notes, NOW);
        return overlaid.subscribers[0]?.roles;
      };
      // The file now writes "Head of ML", which roles.yaml reads as Director of AI/ML.
      expect(await send(noted, ['Head of ML'], before)).toEqual(['CTO']);
      // roles.yaml splits Head of ML out; the file is as the last send read it.
      expect(await send({ ...noted, roles: ['Head of ML'] }, ['Head of ML'], split)).toEqual(['CTO']);
      const reader = await store.get('ann@example.com');
      expect(reader?.readerFields).toEqual({ roles: CHOSE_AT });
      expect(reader?.roles).toEqual(['CTO']);
      // The editor who does change them still wins them.
      expect(await send({ ...noted, roles: ['Executive'] }, ['Executive'], split)).toEqual(['Executive']);
    } finally {
      db.close();
    }
  });
});

describe('the entry of an address a reader moved onto, respelled and then split', () => {
  const MOVED_AT = '2026-12-01T10:00:00.000Z';
  const work: Subscriber = { email: 'bob@work.example', name: 'Bob', roles: ['CTO'], status: 'active' };
  const home: Subscriber = { email: 'bob@home.example', roles: ['Director of AI/ML'], status: 'unsubscribed' };

  it('still gives way to the moved reader', async () => {
    const db = openStateDb(join(dir, 'state.db'));
    try {
      const store = sqliteSubscriberStore(db);
      await store.insert(newReader('bob@work.example', new Date('2026-11-01T10:00:00.000Z'), { name: 'Bob' }));
      await store.rename('bob@work.example', 'bob@home.example', new Date(MOVED_AT));
      await store.update(
        'bob@home.example',
        {
          fileFields: {
            movedOnto: {
              at: MOVED_AT,
              said: fileEntryHash(home),
              written: writtenEntryHash(home, ['Director of AI/ML']),
            },
          },
        },
        new Date(MOVED_AT),
      );
      const send = async (entry: Subscriber, written: string[], taxonomy: typeof before) => {
        const readers = new Map((await store.list()).map((reader) => [reader.email, reader]));
        const overlaid = overlayReaderChanges(
          [work, entry],
          readers,
          WRITTEN_AT,
          NOW,
          new Map([['bob@work.example', 'bob@home.example']]),
          new Map([['bob@home.example', MOVED_AT]]),
          roleSpellingsOf(taxonomy),
          (email) => (email === 'bob@home.example' ? written : undefined),
        );
        await noteFileFields(store, overlaid.notes, NOW);
        return overlaid.subscribers.filter((s) => s.status === 'active').map((s) => s.email);
      };
      expect(await send(home, ['Head of ML'], before)).toEqual(['bob@home.example']);
      expect(await send({ ...home, roles: ['Head of ML'] }, ['Head of ML'], split)).toEqual(['bob@home.example']);
    } finally {
      db.close();
    }
  });
});
