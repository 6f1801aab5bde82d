import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { fileEntryHash, fileFieldHash } from '../../src/store/fields.js';
import { newReader, overlayReaderChanges, roleSpellingsOf } from '../../src/store/index.js';

/**
 * A note an earlier release made (the file's roles as roles.yaml read them then, no text) holds
 * by the subscribers file's time only when roles.yaml was written since the reader's choice: an
 * unchanged file reads otherwise only through a changed roles.yaml. A file the editor did change
 * but that carries an older time (copied or restored keeping it, written on a host whose clock is
 * behind) is their change, as before, and its text is not noted as the reader's.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
const NOW = new Date('2026-12-05T08:00:00.000Z');
/** The time the copied file keeps: before the reader's choice. */
const KEPT_TIME = new Date('2026-11-20T10:00:00.000Z');
const spellings = roleSpellingsOf([
  { name: 'Director of AI/ML', aliases: ['Head of ML'] },
  { name: 'Executive', aliases: [] },
  { name: 'CTO', aliases: [] },
]);

describe('an earlier release’s note, and a file the editor changed that keeps an older time', () => {
  const ann: Subscriber = { email: 'ann@example.com', name: 'Ann', roles: ['Executive'], status: 'active' };
  const overlayRoles = (rolesWrittenAt?: Date) =>
    overlayReaderChanges(
      [ann],
      new Map([
        [
          'ann@example.com',
          newReader('ann@example.com', new Date(CHOSE_AT), {
            name: 'Ann',
            roles: ['CTO'],
            readerFields: { roles: CHOSE_AT },
            fileFields: {
              roles: {
                at: CHOSE_AT,
                said: fileFieldHash({ ...ann, roles: ['Director of AI/ML'] }, 'roles'),
              },
            },
          }),
        ],
      ]),
      KEPT_TIME,
      NOW,
      new Map(),
      new Map(),
      spellings,
      (email) => (email === 'ann@example.com' ? ['Executive'] : undefined),
      () => undefined,
      rolesWrittenAt,
    );

  it('roles.yaml not written since the choice: the editor’s roles win, and are handed back', () => {
    const overlaid = overlayRoles(new Date('2026-11-01T10:00:00.000Z'));
    expect(overlaid.subscribers).toEqual([expect.objectContaining({ roles: ['Executive'] })]);
    expect(overlaid.notes).toEqual([
      expect.objectContaining({ field: 'roles', at: CHOSE_AT, editorWon: true, fileValue: { roles: ['Executive'] } }),
    ]);
    expect(overlaid.notes.some((note) => note.written !== undefined)).toBe(false);
  });

  it('roles.yaml written since the choice: the file’s time still keeps the reader’s roles', () => {
    const overlaid = overlayRoles(new Date('2026-12-03T10:00:00.000Z'));
    expect(overlaid.subscribers).toEqual([expect.objectContaining({ roles: ['CTO'] })]);
  });
});

describe('an earlier release’s note of an address a reader moved onto, and a copied file', () => {
  const work: Subscriber = { email: 'bob@work.example', name: 'Bob', roles: ['CTO'], status: 'active' };
  const noted: Subscriber = { email: 'bob@home.example', roles: ['Director of AI/ML'], status: 'unsubscribed' };
  // The editor wrote the entry again, still saying the address left, with other roles.
  const rewritten: Subscriber = { ...noted, roles: ['Executive'] };

  it('roles.yaml not written since the move: the entry the editor changed is followed', () => {
    const overlaid = overlayReaderChanges(
      [work, rewritten],
      new Map([
        [
          'bob@home.example',
          newReader('bob@home.example', new Date(CHOSE_AT), {
            name: 'Bob',
            roles: ['CTO'],
            fileFields: { movedOnto: { at: CHOSE_AT, said: fileEntryHash(noted) } },
          }),
        ],
      ]),
      KEPT_TIME,
      NOW,
      new Map([['bob@work.example', 'bob@home.example']]),
      new Map([['bob@home.example', CHOSE_AT]]),
      spellings,
      (email) => (email === 'bob@home.example' ? rewritten.roles : undefined),
      () => undefined,
      new Date('2026-11-01T10:00:00.000Z'),
    );
    expect(overlaid.subscribers.filter((entry) => entry.status !== 'unsubscribed')).toEqual([]);
  });
});
