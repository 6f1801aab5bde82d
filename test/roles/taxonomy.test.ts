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
      ['  - name: cto\n', 'roles[1].name', '"cto" is the same role as "CTO" (roles[0], line 2)'],
      [
        '  - name: Tech Chief\n    aliases: [chief technologyofficer]\n',
        'roles[1].aliases[0]',
        'as "Chief Technology Officer" (roles[0], line 2)',
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
    // Invisible characters pasted with the role: a zero-width space, a joiner, a soft hyphen, a BOM.
    ['CTO\u200b', 'CTO'],
    ['\ufeffChief Tech\u00adnology Officer', 'CTO'],
    ['C\u200dTO\u2060', 'CTO'],
    ['VP of Engineering/Data', 'VP of Engineering/Data'],
    ['Head of AI', 'Director of AI/ML'],
    ['MLE', 'ML Engineer'],
    ['CISO', 'Security Lead'],
  ])('maps %j to %j', (written, canonical) => {
    expect(taxonomy.lookup(written)).toBe(canonical);
    expect(taxonomy.normalise(written)).toBe(canonical);
  });

  it('matches unknown roles as known ones match: case, spaces and Unicode form ignored, the first spelling kept', () => {
    const fresh = parseTaxonomy('roles:\n  - name: CTO\n', 'roles.yaml');
    expect(fresh.normalise('Space Cadet')).toBe('Space Cadet');
    expect(fresh.normalise('space  cadet')).toBe('Space Cadet');
    expect(fresh.normalise(' SPACE CADET ')).toBe('Space Cadet');
    const composed = 'Responsable Sécurité';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(fresh.normalise(decomposed)).toBe(composed);
    expect(fresh.normalise(composed)).toBe(composed);
  });

  it('keeps unknown roles as written and suggests the closest', () => {
    expect(taxonomy.lookup('Chief Wizard')).toBeUndefined();
    expect(taxonomy.normalise('  Chief   Wizard ')).toBe('Chief Wizard');
    expect(taxonomy.closest('Data Scientst')).toBe('Data Scientist');
    expect(taxonomy.closest('Cheif Technology Officer')).toBe('CTO (alias "Chief Technology Officer")');
    expect(taxonomy.closest('Zookeeper of Llamas')).toBeUndefined();
  });

  it('names the line of every problem in the file, not only the first', () => {
    const problemsOf = (yaml: string) => {
      try {
        parseTaxonomy(yaml, 'roles.yaml');
      } catch (e) {
        return (e as RolecastError).problems.map((p) => `${p.line}:${p.field}:${p.message}`);
      }
      return [];
    };
    expect(problemsOf('roles:\n  - name: CTO\n  - name: ""\n  - name: Ops\n    aliases: x\n')).toEqual([
      expect.stringMatching(/^3:roles\[1\]\.name:/),
      '5:roles[2].aliases:must be a list, not text',
    ]);
    expect(problemsOf('roles:\n  - aliases: [x]\n')).toEqual(['2:roles[0].name:is required']);
    const same = problemsOf(
      'roles:\n  - name: CTO\n    aliases: [Chief Technology Officer]\n  - name: Ops\n  - name: cto\n  - name: Tech Chief\n    aliases:\n      - Tech\n      - chief technologyofficer\n',
    );
    expect(same).toEqual([
      '5:roles[2].name:"cto" is the same role as "CTO" (roles[0], line 2): case and spaces are ignored when roles are matched',
      expect.stringMatching(
        /^9:roles\[3\]\.aliases\[1\]:"chief technologyofficer" is the same role as "Chief Technology Officer"/,
      ),
    ]);
  });

  it('reports an invalid taxonomy file', () => {
    expect(() => parseTaxonomy('roles:\n  - aliases: [x]\n', 'r.yaml')).toThrow(RolecastError);
    expect(() => parseTaxonomy('roles: [\n', 'r.yaml')).toThrow(/invalid/);
  });
});
