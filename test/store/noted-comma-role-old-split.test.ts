import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { fileFieldHash, writtenRolesHash } from '../../src/store/fields.js';
import { newReader, overlayReaderChanges, roleSpellingsOf } from '../../src/store/index.js';

/**
 * A note made while a send took a roles cell's text as roles.yaml split it ("Head of Sales, EMEA"
 * kept whole): the next send, which takes the text split at every comma, finds the file saying the
 * same roles, keeps the reader's own, and notes the text as it now takes it.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
const ann: Subscriber = { email: 'ann@example.com', roles: ['Head of Sales, EMEA'], status: 'active' };

describe('a roles note made under the earlier split of a comma role', () => {
  it('holds, and gets the text as taken now', () => {
    const overlaid = overlayReaderChanges(
      [ann],
      new Map([
        [
          'ann@example.com',
          newReader('ann@example.com', new Date(CHOSE_AT), {
            roles: ['CTO'],
            readerFields: { roles: CHOSE_AT },
            fileFields: {
              roles: {
                at: CHOSE_AT,
                said: fileFieldHash(ann, 'roles'),
                written: writtenRolesHash(['Head of Sales, EMEA']),
              },
            },
          }),
        ],
      ]),
      new Date('2026-12-03T10:00:00.000Z'),
      new Date('2026-12-05T08:00:00.000Z'),
      new Map(),
      new Map(),
      roleSpellingsOf([{ name: 'Head of Sales, EMEA', aliases: [] }]),
      () => ['Head of Sales', 'EMEA'],
    );
    expect(overlaid.subscribers).toEqual([expect.objectContaining({ roles: ['CTO'] })]);
    expect(overlaid.notes).toEqual([
      expect.objectContaining({ field: 'roles', at: CHOSE_AT, written: writtenRolesHash(['Head of Sales', 'EMEA']) }),
    ]);
    expect(overlaid.notes.some((note) => note.editorWon)).toBe(false);
  });
});
