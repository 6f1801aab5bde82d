import { describe, expect, it } from 'vitest';
import type { Subscriber } from '../../src/model/subscriber.js';
import { fileFieldHash } from '../../src/store/fields.js';
import { rolesReadOtherwiseAsNoted } from '../../src/store/noted-roles.js';

/**
 * An earlier release's roles note, read under a roles.yaml of many roles that since split out one
 * of the reader's: with too many picks to try every one, each role read as another alone is tried.
 */

const known = ['Director of AI/ML', 'Head of ML', ...Array.from({ length: 20 }, (_, n) => `Role ${n}`)];
const noted: Subscriber = {
  email: 'ann@example.com',
  roles: ['Role 1', 'Director of AI/ML', 'Role 2', 'Role 3'],
  status: 'active',
};

describe('an old roles note of a reader of four roles, among 22', () => {
  it('is found with the one role roles.yaml split out', () => {
    const now = { ...noted, roles: ['Role 1', 'Head of ML', 'Role 2', 'Role 3'] };
    expect(rolesReadOtherwiseAsNoted(now, fileFieldHash(noted, 'roles'), known)).toBe(true);
  });

  it('is not found with a role more', () => {
    const now = { ...noted, roles: ['Role 1', 'Head of ML', 'Role 2', 'Role 3', 'Role 4'] };
    expect(rolesReadOtherwiseAsNoted(now, fileFieldHash(noted, 'roles'), known)).toBe(false);
  });
});
