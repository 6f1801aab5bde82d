import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { parseTaxonomy } from '../../src/roles/taxonomy.js';
import { REPO_ROOT } from '../helpers/project.js';

const taxonomy = parseTaxonomy(readFileSync(join(REPO_ROOT, 'roles.yaml'), 'utf8'), 'roles.yaml');

describe('role taxonomy', () => {
  it('refuses two entries that match as one role (case and spaces ignored), naming both', () => {
    const yaml = (extra: string) => `roles:\n  - name: CTO\n    aliases: [Chief Technology Officer]\n${extra}`;
    for (const [extra, field, same] of [
      ['  - name: cto\n', 'roles[1].name', '"cto" is the same role as "CTO" (roles[0])'],
      [
        '  - name: Tech Chief\n    aliases: [chief technologyofficer]\n',
        'roles[1].aliases[0]',
        'as "Chief Technology Officer" (roles[0])',
      ],
    ] as const) {
      let error: RolecastError | undefined;
      try {
        parseTaxonomy(yaml(extra), 'roles.yaml');
      } catch (e) {
        error = e as RolecastError;
      }
      expect(error?.problems[0]).toMatchObject({ field, message: expect.stringContaining(same) });
    }
  });

  it.each([
    ['Chief Technology Officer', 'CTO'],
    ['chief technology officer', 'CTO'],
    ['  Chief   Technology  Officer ', 'CTO'],
    ['ChiefTechnologyOfficer', 'CTO'],
    ['cto', 'CTO'],
    ['VP of Engineering/Data', 'VP of Engineering/Data'],
    ['Head of AI', 'Director of AI/ML'],
    ['MLE', 'ML Engineer'],
    ['CISO', 'Security Lead'],
  ])('maps %j to %j', (written, canonical) => {
    expect(taxonomy.lookup(written)).toBe(canonical);
    expect(taxonomy.normalise(written)).toBe(canonical);
  });

  it('keeps unknown roles as written and suggests the closest', () => {
    expect(taxonomy.lookup('Chief Wizard')).toBeUndefined();
    expect(taxonomy.normalise('  Chief   Wizard ')).toBe('Chief Wizard');
    expect(taxonomy.closest('Data Scientst')).toBe('Data Scientist');
    expect(taxonomy.closest('Cheif Technology Officer')).toBe('CTO (alias "Chief Technology Officer")');
    expect(taxonomy.closest('Zookeeper of Llamas')).toBeUndefined();
  });

  it('reports an invalid taxonomy file', () => {
    expect(() => parseTaxonomy('roles:\n  - aliases: [x]\n', 'r.yaml')).toThrow(RolecastError);
    expect(() => parseTaxonomy('roles: [\n', 'r.yaml')).toThrow(/invalid/);
  });
});
