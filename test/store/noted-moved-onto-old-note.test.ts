import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { fileEntryHash, writtenEntryHash } from '../../src/store/fields.js';
import { newReader, overlayReaderChanges, roleSpellingsOf } from '../../src/store/index.js';

/**
 * An earlier release noted the entry of an address a reader moved onto (one the subscribers file
 * says left) only as roles.yaml read its roles then. After an upgrade, roles.yaml making the role
 * it writes a role of its own is no change of the file's editor while the file has not been
 * written since the move: the moved reader is still mailed there, and the note gets the text.
 */

const MOVED_AT = '2026-12-01T10:00:00.000Z';
const NOW = new Date('2026-12-05T08:00:00.000Z');

const work: Subscriber = { email: 'bob@work.example', name: 'Bob', roles: ['CTO'], status: 'active' };
// "Model Ops" was an alias of ML Engineer when the earlier release noted the entry.
const noted: Subscriber = { email: 'bob@home.example', roles: ['ML Engineer'], status: 'unsubscribed' };
const home: Subscriber = { ...noted, roles: ['Model Ops'] };
const split = roleSpellingsOf([
  { name: 'ML Engineer', aliases: [] },
  { name: 'Model Ops', aliases: [] },
]);

const overlay = (entry: Subscriber, fileWrittenAt: Date) =>
  overlayReaderChanges(
    [work, entry],
    new Map([
      [
        'bob@home.example',
        newReader('bob@home.example', new Date(MOVED_AT), {
          name: 'Bob',
          roles: ['CTO'],
          fileFields: { movedOnto: { at: MOVED_AT, said: fileEntryHash(noted) } },
        }),
      ],
    ]),
    fileWrittenAt,
    NOW,
    new Map([['bob@work.example', 'bob@home.example']]),
    new Map([['bob@home.example', MOVED_AT]]),
    split,
    (email) => (email === 'bob@home.example' ? entry.roles : undefined),
  );

describe('an earlier release’s note of an address a reader moved onto, under a role roles.yaml splits out', () => {
  it('still gives way to the moved reader while the file is not written since the move; the note gets the text', () => {
    const overlaid = overlay(home, new Date('2026-11-20T10:00:00.000Z'));
    expect(overlaid.subscribers).toEqual([expect.objectContaining({ email: 'bob@home.example', status: 'active' })]);
    expect(overlaid.notes).toEqual([
      expect.objectContaining({
        email: 'bob@home.example',
        field: 'movedOnto',
        at: MOVED_AT,
        said: fileEntryHash(noted),
        written: writtenEntryHash(home, ['Model Ops']),
      }),
    ]);
  });

  it('is followed once the file is written since with other roles, still saying the address left', () => {
    const overlaid = overlay({ ...home, roles: ['Designer'] }, new Date('2026-12-03T10:00:00.000Z'));
    expect(overlaid.subscribers.filter((entry) => entry.status !== 'unsubscribed')).toEqual([]);
  });
});
