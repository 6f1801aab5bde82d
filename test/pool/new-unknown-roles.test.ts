import { afterEach, describe, expect, it } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A pool summary whose role is misspelt or not in roles.yaml is held by no reader. `new` picks it
 * for that role all the same; its coverage must not count the role as covered among the real
 * ones, or the editor reads "every role has something" while the summary reaches nobody.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('rolecast new with roles the taxonomy does not know', () => {
  it('counts only known roles as covered and names the unknown ones with a suggestion', async () => {
    const made = await poolProject({
      'roles.yaml':
        'roles:\n  - name: CTO\n    aliases: [Chief Technology Officer]\n  - name: Executive\n  - name: Designer\n',
      'summaries/misspelt.json': JSON.stringify({
        title: 'Platform Teams Need Product Managers',
        summary: 'Platform teams ship better with a product owner.',
        roles: ['Chief Techology Officer'],
        date: '2026-11-30',
      }),
      'summaries/bakery.json': JSON.stringify({
        title: 'Pricing Lessons From a Bakery',
        summary: 'Prices move slower than costs.',
        roles: ['Pastry Chef'],
        date: '2026-11-29',
      }),
    });
    project = made.project;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).toBe(0);
    // The fixture's taxonomy is CTO, Executive, Designer; Designer's only summary is a draft.
    expect(created.out).toContain('role coverage (2 of 3 roles; picking up to 3 per role):');
    expect(created.out).toMatch(
      /picked for roles not in roles\.yaml, which no reader holds \(fix the role in the summary, or add it to the taxonomy\):\n {2}Chief Techology Officer {2}1 {2}— did you mean CTO \(alias "Chief Technology Officer"\)\?\n {2}Pastry Chef {14}1\n/,
    );
    expect(created.out).toContain('roles with none (no ready, unused pool summary names them): Designer');
  });
});
