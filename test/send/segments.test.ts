import { describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { issueRoles, normaliseSegments } from '../../src/send/plan.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: ['Chief Technology Officer'] }]);
const summaries = [{ roles: ['CTO', 'Space Cadet'] }, { roles: ['Space Cadet'] }];

describe('--segment values', () => {
  it('take a role the taxonomy knows, by any alias, and one only the issue names, as the issue spells it', () => {
    expect(issueRoles(summaries)).toEqual(['CTO', 'Space Cadet']);
    expect(normaliseSegments(taxonomy, ['chief technology officer', 'space  CADET'], issueRoles(summaries))).toEqual([
      'CTO',
      'Space Cadet',
    ]);
  });

  it('take a role written in the plural as the role, as a Best for line does', () => {
    expect(normaliseSegments(taxonomy, ['CTOs'], issueRoles(summaries))).toEqual(['CTO']);
  });

  it('refuse a role neither the taxonomy nor the issue names, with a suggestion', () => {
    const refused = () => normaliseSegments(taxonomy, ['CTX'], issueRoles(summaries));
    expect(refused).toThrow(RolecastError);
    expect(refused).toThrow('--segment "CTX" is not a known role');
    try {
      refused();
    } catch (error) {
      expect((error as RolecastError).hint).toBe('did you mean CTO?');
    }
  });
});
