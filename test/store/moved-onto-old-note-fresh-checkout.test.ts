import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { fileEntryHash, writtenEntryHash } from '../../src/store/fields.js';
import { newReader, overlayReaderChanges, roleSpellingsOf } from '../../src/store/index.js';

/**
 * An earlier release noted the entry of an address a reader moved onto (one the subscribers file
 * says left) only as roles.yaml read its roles then. Read first from a fresh checkout, where the
 * file is newer than the move, a roles.yaml written since that makes the role the entry writes a
 * role of its own is no change of the entry: the moved reader is still mailed there. An entry
 * giving more roles, or roles.yaml not written since, is the editor's, and followed.
 */

const MOVED_AT = '2026-12-01T10:00:00.000Z';
const NOW = new Date('2026-12-05T08:00:00.000Z');
const CHECKED_OUT = new Date('2026-12-04T10:00:00.000Z');

const work: Subscriber = { email: 'bob@work.example', name: 'Bob', roles: ['CTO'], status: 'active' };
// "Model Ops" was an alias of ML Engineer when the earlier release noted the entry.
const noted: Subscriber = { email: 'bob@home.example', roles: ['ML Engineer'], status: 'unsubscribed' };
const home: Subscriber = { ...noted, roles: ['Model Ops'] };
const roles = [
  { name: 'ML Engineer', aliases: [] },
  { name: 'Model Ops', aliases: [] },
  { name: 'CTO', aliases: [] },
];

const overlay = (entry: Subscriber, rolesWrittenAt: Date) =>
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
    CHECKED_OUT,
    NOW,
    new Map([['bob@work.example', 'bob@home.example']]),
    new Map([['bob@home.example', MOVED_AT]]),
    roleSpellingsOf(roles),
    (email) => (email === 'bob@home.example' ? entry.roles : undefined),
    () => undefined,
    rolesWrittenAt,
    roles.map((role) => role.name),
  );

const mailed = (overlaid: ReturnType<typeof overlay>) =>
  overlaid.subscribers.filter((entry) => entry.status !== 'unsubscribed').map((entry) => entry.email);

describe('an earlier release’s note of an address a reader moved onto, first read from a fresh checkout', () => {
  it('the entry as it was under a roles.yaml that split its role out: the moved reader is mailed, the note gets the text', () => {
    const overlaid = overlay(home, CHECKED_OUT);
    expect(mailed(overlaid)).toEqual(['bob@home.example']);
    expect(overlaid.notes).toEqual([
      expect.objectContaining({
        field: 'movedOnto',
        said: fileEntryHash(noted),
        written: writtenEntryHash(home, ['Model Ops']),
      }),
    ]);
  });

  it('an entry giving another role as well is the editor’s, and followed', () => {
    expect(mailed(overlay({ ...home, roles: ['Model Ops', 'CTO'] }, CHECKED_OUT))).toEqual([]);
  });

  it('roles.yaml not written since the move: an entry that reads otherwise is followed', () => {
    expect(mailed(overlay(home, new Date('2026-11-01T10:00:00.000Z')))).toEqual([]);
  });
});
