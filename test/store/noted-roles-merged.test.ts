import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { fileFieldHash } from '../../src/store/fields.js';
import { newReader, overlayReaderChanges, roleSpellingsOf } from '../../src/store/index.js';

/**
 * Two roles a subscribers file gives one reader, merged by `roles.yaml` into one (the other kept as
 * its alias), are read as that one role: the roles a send noted before the merge are the same
 * roles, so the reader who chose their own keeps them.
 */

const CHOSE_AT = '2026-12-01T10:00:00.000Z';
const WRITTEN_AT = new Date('2026-11-20T10:00:00.000Z');
const NOW = new Date('2026-12-05T08:00:00.000Z');

const merged = roleSpellingsOf([
  { name: 'ML Engineer', aliases: ['Machine Learning Engineer', 'MLOps Engineer'] },
  { name: 'CTO', aliases: ['Chief Technology Officer'] },
]);

function overlay(noted: Subscriber, now: Subscriber, spellings = merged) {
  const reader = newReader('ann@example.com', new Date(CHOSE_AT), {
    roles: ['Executive'],
    readerChangedAt: CHOSE_AT,
    readerFields: { roles: CHOSE_AT },
    fileFields: { roles: { at: CHOSE_AT, said: fileFieldHash(noted, 'roles') } },
  });
  return overlayReaderChanges(
    [now],
    new Map([[reader.email, reader]]),
    WRITTEN_AT,
    NOW,
    new Map(),
    new Map(),
    spellings,
  );
}

const entry = (roles: string[]): Subscriber => ({ email: 'ann@example.com', roles, status: 'active' });

describe('roles a send noted before roles.yaml merged two of them', () => {
  it.each([
    [['ML Engineer', 'MLOps Engineer'], ['ML Engineer']],
    [
      ['MLOps Engineer', 'CTO', 'ML Engineer'],
      ['ML Engineer', 'CTO'],
    ],
    [
      ['Machine Learning Engineer', 'MLOps Engineer', 'Chief Technology Officer'],
      ['ML Engineer', 'CTO'],
    ],
  ])('noted %j, read now as %j: the reader keeps the roles they chose', (before, after) => {
    const overlaid = overlay(entry(before), entry(after));
    expect(overlaid.subscribers[0]?.roles).toEqual(['Executive']);
    expect(overlaid.notes).toEqual([]);
  });

  it('an editor who adds a role is still the editor’s change', () => {
    const overlaid = overlay(entry(['ML Engineer', 'MLOps Engineer']), entry(['ML Engineer', 'CTO']));
    expect(overlaid.subscribers[0]?.roles).toEqual(['ML Engineer', 'CTO']);
    expect(overlaid.notes).toMatchObject([{ field: 'roles', editorWon: true }]);
  });

  it('a role with more aliases than can be tried together is still matched under each one', () => {
    const many = roleSpellingsOf([
      { name: 'ML Engineer', aliases: Array.from({ length: 14 }, (_, index) => `MLE ${index}`) },
    ]);
    const overlaid = overlay(entry(['MLE 9']), entry(['ML Engineer']), many);
    expect(overlaid.subscribers[0]?.roles).toEqual(['Executive']);
  });
});
