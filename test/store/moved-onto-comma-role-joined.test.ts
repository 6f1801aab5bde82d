import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { fileEntryHash, writtenEntryHash } from '../../src/store/fields.js';
import { newReader, overlayReaderChanges, roleSpellingsOf } from '../../src/store/index.js';

/**
 * A reader moved onto an address the subscribers file says left, and a send noted that entry while
 * roles.yaml took the comma of its roles cell inside one role ("Head of Sales, EMEA"). roles.yaml
 * since dropped that role: the same cell now reads as two roles, but it is the same text, so the
 * entry still gives way to the moved reader, and the note gets the text as taken now.
 */

const MOVED_AT = '2026-12-01T10:00:00.000Z';
const left: Subscriber = { email: 'shared@example.com', roles: ['Head of Sales, EMEA'], status: 'unsubscribed' };
const mover: Subscriber = { email: 'ann@example.com', roles: ['CTO'], status: 'active' };

function overlay(entry: Subscriber, written: string[], joined: string[][]) {
  const reader = newReader('shared@example.com', new Date(MOVED_AT), {
    roles: ['CTO'],
    fileFields: {
      movedOnto: {
        at: MOVED_AT,
        said: fileEntryHash(left),
        written: writtenEntryHash(left, ['Head of Sales, EMEA']),
      },
    },
  });
  return overlayReaderChanges(
    [mover, entry],
    new Map([['shared@example.com', reader]]),
    new Date('2026-12-03T10:00:00.000Z'),
    new Date('2026-12-05T08:00:00.000Z'),
    new Map([['ann@example.com', 'shared@example.com']]),
    new Map([['shared@example.com', MOVED_AT]]),
    roleSpellingsOf([
      { name: 'Head of Sales', aliases: [] },
      { name: 'EMEA', aliases: [] },
    ]),
    (email) => (email === 'shared@example.com' ? written : undefined),
    () => undefined,
    new Date('2026-12-04T10:00:00.000Z'),
    ['Head of Sales', 'EMEA', 'CTO'],
    (email) => (email === 'shared@example.com' ? joined : []),
  );
}

describe('a moved reader’s note of an entry with a comma role, read after roles.yaml dropped that role', () => {
  it('the same cell: the entry still gives way, and the note gets the text', () => {
    const now: Subscriber = { ...left, roles: ['Head of Sales', 'EMEA'] };
    const overlaid = overlay(now, ['Head of Sales', 'EMEA'], [['Head of Sales, EMEA']]);
    expect(overlaid.subscribers).toEqual([expect.objectContaining({ email: 'shared@example.com', status: 'active' })]);
    expect(overlaid.notes).toEqual([
      expect.objectContaining({
        field: 'movedOnto',
        at: MOVED_AT,
        written: writtenEntryHash(now, ['Head of Sales', 'EMEA']),
      }),
    ]);
  });

  it('a cell the editor changed: the entry saying the address left is followed', () => {
    const now: Subscriber = { ...left, roles: ['Head of Sales', 'EMEA', 'CTO'] };
    const overlaid = overlay(now, ['Head of Sales', 'EMEA', 'CTO'], [['Head of Sales, EMEA', 'CTO']]);
    expect(overlaid.subscribers).toEqual([
      expect.objectContaining({ email: 'shared@example.com', status: 'unsubscribed' }),
    ]);
  });
});
