import { describe, expect, it } from 'vitest';
import { rolesReadOtherwiseProblems } from '../../src/load/_roles-read-otherwise.js';
import type { Subscriber } from '../../src/model/subscriber.js';
import { fileEntryHash } from '../../src/store/fields.js';
import { newReader, overlayReaderChanges, roleSpellingsOf } from '../../src/store/index.js';

/**
 * An earlier release noted the entry of an address a reader moved onto (one the subscribers file
 * says left) only as roles.yaml read its roles then. From a fresh checkout where roles.yaml changed
 * too, an editor who swapped that entry's role (CTO for Executive, still saying it left) reads as a
 * split of an alias: the moved reader is still mailed there, and the editor is told so, with the
 * address, the entry's roles and what to do.
 */

const MOVED_AT = '2026-12-01T10:00:00.000Z';
const NOW = new Date('2026-12-05T08:00:00.000Z');
const CHECKED_OUT = new Date('2026-12-04T10:00:00.000Z');

const work: Subscriber = { email: 'bob@work.example', name: 'Bob', roles: ['CTO'], status: 'active' };
const noted: Subscriber = { email: 'bob@home.example', roles: ['CTO'], status: 'unsubscribed' };
const roles = [
  { name: 'CTO', aliases: [] },
  { name: 'Executive', aliases: [] },
];

const overlay = (entry: Subscriber) =>
  overlayReaderChanges(
    [work, entry],
    new Map([
      [
        'bob@home.example',
        newReader('bob@home.example', new Date(MOVED_AT), {
          name: 'Bob',
          roles: ['Executive'],
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
    CHECKED_OUT,
    roles.map((role) => role.name),
  );

describe('an editor’s swap of the role of an entry a reader moved onto, read through an earlier release’s note', () => {
  it('the moved reader is still mailed there, and the editor is told', () => {
    const overlaid = overlay({ ...noted, roles: ['Executive'] });
    expect(overlaid.subscribers.filter((entry) => entry.status !== 'unsubscribed').map((entry) => entry.email)).toEqual(
      ['bob@home.example'],
    );
    const [problem, ...others] = rolesReadOtherwiseProblems('subscribers.json', overlaid.rolesReadOtherwise);
    expect(others).toEqual([]);
    expect(problem).toMatchObject({ severity: 'warning', field: 'bob@home.example roles' });
    expect(problem?.message).toContain('the entry saying this address left gives "Executive"');
    expect(problem?.hint).toContain('put back what it said before for one send, then write your change again');
  });

  it('the entry as noted: no warning', () => {
    expect(overlay(noted).rolesReadOtherwise).toEqual([]);
  });
});
