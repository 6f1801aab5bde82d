import { describe, expect, it } from 'vitest';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/**
 * A summary's "Best for: CTO/VP Engineering" names two known roles joined as job titles are
 * written: read as both, with a warning saying so, so the story reaches each role's readers when
 * the editor sends anyway. A part no role names leaves the whole one unknown role, as before.
 */

const taxonomy = () =>
  createTaxonomy([
    { name: 'CTO', aliases: ['Chief Technology Officer'] },
    { name: 'VP of Engineering/Data', aliases: ['VP Engineering'] },
    { name: 'Executive', aliases: ['CEO', 'Founder'] },
    { name: 'Designer', aliases: ['UX/UI Designer'] },
  ]);

const text = (roles: string) =>
  `Pooling\n\nSummary\nTeams drown in alerts.\n\nKey takeaway\nDo less.\n\nBest for: ${roles}\n\nLink: https://example.com/a\n`;
const markdown = (roles: string) =>
  `---\ntitle: Pooling\nroles: [${JSON.stringify(roles)}]\nurl: https://example.com/a\n---\n\nTeams drown in alerts.\n`;

describe('known roles joined in one role of a summary', () => {
  it.each([
    ['CTO/VP Engineering', ['CTO', 'VP of Engineering/Data']],
    ['CTO + CEO', ['CTO', 'Executive']],
    ['Founder and CTO', ['Executive', 'CTO']],
    ['CTO/VP of Engineering/Data', ['CTO', 'VP of Engineering/Data']],
  ])('reads a Best for line of "%s" as each role', (written, roles) => {
    const { summary, problems } = parseSummary(text(written), 'x.txt', taxonomy());
    expect(summary?.roles).toEqual(roles);
    expect(problems.map((p) => [p.severity, p.line, p.field, p.message, p.hint])).toEqual([
      [
        'warning',
        9,
        'roles',
        `"${written}" is read as ${roles.length} roles: ${roles.join(', ')}`,
        `separate roles with commas: write "${roles.join(', ')}"`,
      ],
    ]);
  });

  it('reads a roles list entry so too', () => {
    const { summary } = parseSummary(markdown('CTO/VP Engineering'), 'x.md', taxonomy());
    expect(summary?.roles).toEqual(['CTO', 'VP of Engineering/Data']);
  });

  it.each(['UX/UI Designer', 'VP of Engineering/Data'])(
    'keeps "%s", a known name holding a slash, whole',
    (written) => {
      const { summary, problems } = parseSummary(text(written), 'x.txt', taxonomy());
      expect(summary?.roles).toHaveLength(1);
      expect(problems).toEqual([]);
    },
  );

  it('keeps a role with a part no role names as one unknown role', () => {
    const { summary, problems } = parseSummary(text('CTO/Platform Lead'), 'x.txt', taxonomy());
    expect(summary?.roles).toEqual(['CTO/Platform Lead']);
    expect(problems.map((p) => p.message)).toEqual(['unknown role "CTO/Platform Lead"']);
  });
});
