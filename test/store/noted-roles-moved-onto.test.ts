import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { fileEntryHash } from '../../src/store/fields.js';
import { newReader, overlayReaderChanges, roleSpellingsOf } from '../../src/store/index.js';

/**
 * A reader who moved onto an address the subscribers file says left (someone before them) keeps
 * their mail there when `roles.yaml` later makes that entry's role an alias: the entry says what it
 * said when a send noted it, so it is no editor's change.
 */

const MOVED_AT = '2026-12-01T10:00:00.000Z';
const WRITTEN_AT = new Date('2026-11-20T10:00:00.000Z');
const NOW = new Date('2026-12-05T08:00:00.000Z');

const work: Subscriber = { email: 'bob@work.example', name: 'Bob', roles: ['CTO'], status: 'active' };
const before: Subscriber = { email: 'bob@home.example', roles: ['Model Ops'], status: 'unsubscribed' };
// The same entry, its role read by a roles.yaml that has since made "Model Ops" an alias.
const after: Subscriber = { ...before, roles: ['ML Engineer'] };

const moved = newReader('bob@home.example', new Date(MOVED_AT), {
  name: 'Bob',
  roles: ['CTO'],
  fileFields: { movedOnto: { at: MOVED_AT, said: fileEntryHash(before) } },
});

const overlay = (home: Subscriber, spellings?: ReturnType<typeof roleSpellingsOf>) =>
  overlayReaderChanges(
    [work, home],
    new Map([[moved.email, moved]]),
    WRITTEN_AT,
    NOW,
    new Map([['bob@work.example', 'bob@home.example']]),
    new Map([['bob@home.example', MOVED_AT]]),
    spellings,
  ).subscribers;

describe('the noted entry of an address a reader moved onto, under a role roles.yaml later aliases', () => {
  it('still gives way to the moved reader, who is mailed there once', () => {
    const spellings = roleSpellingsOf([{ name: 'ML Engineer', aliases: ['Model Ops'] }]);
    expect(overlay(before, spellings)).toEqual([
      expect.objectContaining({ email: 'bob@home.example', status: 'active' }),
    ]);
    expect(overlay(after, spellings)).toEqual([
      expect.objectContaining({ email: 'bob@home.example', status: 'active' }),
    ]);
  });

  it('is followed once its editor changes it, still saying it left', () => {
    const spellings = roleSpellingsOf([{ name: 'ML Engineer', aliases: ['Model Ops'] }]);
    const changed = overlay({ ...after, roles: ['Designer'] }, spellings);
    expect(changed.filter((entry) => entry.status !== 'unsubscribed')).toEqual([]);
  });
});
