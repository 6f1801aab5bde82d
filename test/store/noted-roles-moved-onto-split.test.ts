import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { fileEntryHash, writtenEntryHash } from '../../src/store/fields.js';
import { newReader, overlayReaderChanges, roleSpellingsOf } from '../../src/store/index.js';

/**
 * A reader who moved onto an address the subscribers file says left (someone before them) keeps
 * their mail there when `roles.yaml` later makes the role that entry writes a role of its own
 * (split out of the one it stood for): the file's text is as a send noted it, so it is no editor's
 * change, and the moved reader is not left out.
 */

const MOVED_AT = '2026-12-01T10:00:00.000Z';
const WRITTEN_AT = new Date('2026-11-20T10:00:00.000Z');
const NOW = new Date('2026-12-05T08:00:00.000Z');

const work: Subscriber = { email: 'bob@work.example', name: 'Bob', roles: ['CTO'], status: 'active' };
// "Model Ops" was an alias of ML Engineer when a send noted the entry; roles.yaml now has it as a role.
const noted: Subscriber = { email: 'bob@home.example', roles: ['ML Engineer'], status: 'unsubscribed' };
const now: Subscriber = { ...noted, roles: ['Model Ops'] };
const split = roleSpellingsOf([
  { name: 'ML Engineer', aliases: [] },
  { name: 'Model Ops', aliases: [] },
]);

const overlay = (home: Subscriber, written: string[]) =>
  overlayReaderChanges(
    [work, home],
    new Map([
      [
        'bob@home.example',
        newReader('bob@home.example', new Date(MOVED_AT), {
          name: 'Bob',
          roles: ['CTO'],
          fileFields: {
            movedOnto: { at: MOVED_AT, said: fileEntryHash(noted), written: writtenEntryHash(noted, ['Model Ops']) },
          },
        }),
      ],
    ]),
    WRITTEN_AT,
    NOW,
    new Map([['bob@work.example', 'bob@home.example']]),
    new Map([['bob@home.example', MOVED_AT]]),
    split,
    (email) => (email === 'bob@home.example' ? written : undefined),
  ).subscribers;

describe('the noted entry of an address a reader moved onto, under a role roles.yaml later splits out', () => {
  it('still gives way to the moved reader, who is mailed there once', () => {
    expect(overlay(now, ['Model Ops'])).toEqual([
      expect.objectContaining({ email: 'bob@home.example', status: 'active' }),
    ]);
  });

  it('is followed once its editor changes the roles it writes, still saying it left', () => {
    const changed = overlay({ ...now, roles: ['Designer'] }, ['Designer']);
    expect(changed.filter((entry) => entry.status !== 'unsubscribed')).toEqual([]);
  });
});
