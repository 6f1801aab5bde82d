import { describe, expect, it } from 'vitest';
import { joinedReaderRoles, readerRolesRead } from '../../src/roles/reader-roles.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A reader's known roles joined in one are read as each, and a role whose own name holds the
 * separator ("VP of Engineering/Data", "Director of AI/ML") stays whole, also when it is joined to
 * another role by the same separator with no space ("CTO/VP of Engineering/Data").
 */

const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: ['Chief Technology Officer'] },
  { name: 'VP of Engineering/Data', aliases: ['VP Engineering', 'VPE'] },
  { name: 'Director of AI/ML', aliases: ['Head of AI/ML', 'Head of AI'] },
  { name: 'Designer', aliases: ['UX/UI Designer'] },
  { name: 'Executive', aliases: ['CEO'] },
]);

describe('known roles joined with a separator their own names hold', () => {
  it.each([
    ['CTO/VP of Engineering/Data', ['CTO', 'VP of Engineering/Data']],
    ['VP of Engineering/Data/CTO', ['VP of Engineering/Data', 'CTO']],
    ['Head of AI/ML/CTO', ['Director of AI/ML', 'CTO']],
    ['Director of AI/ML/UX/UI Designer', ['Director of AI/ML', 'Designer']],
    ['CEO/VP of Engineering/Data & CTO', ['Executive', 'VP of Engineering/Data', 'CTO']],
    // Already read so: unchanged.
    ['CTO/VPE', ['CTO', 'VP of Engineering/Data']],
    ['VP of Engineering/Data / CTO', ['VP of Engineering/Data', 'CTO']],
  ])('reads "%s" as each role', (written, roles) => {
    expect(joinedReaderRoles(written, taxonomy)).toEqual(roles);
    expect(readerRolesRead([written], taxonomy)).toEqual(roles);
  });

  it.each([
    'VP of Engineering/Data',
    'Director of AI/ML',
    'CTO/Data',
    'CTO/VP of Engineering/Data/Platform',
    'CTO//CEO',
    'Head/AI/ML',
  ])('leaves "%s" as written', (written) => {
    expect(joinedReaderRoles(written, taxonomy)).toBeUndefined();
  });
});
