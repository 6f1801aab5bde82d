import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

const taxonomy = createTaxonomy([
  { name: 'CTO', aliases: [] },
  { name: 'Executive', aliases: ['CEO', 'Founder'] },
  { name: 'VP of Engineering/Data', aliases: [] },
]);

const text = (roles: string) => ['Warm Pools', 'Summary', 'Keep two warm.', `Best for: ${roles}`, ''].join('\n');
const json = (roles: string) =>
  `{\n  "title": "Warm Pools",\n  "summary": "Keep two warm.",\n  "roles": ${JSON.stringify([roles])}\n}\n`;
const frontmatter = (roles: string) => `---\ntitle: Warm Pools\nroles: ${roles}\n---\n\nKeep two warm.\n`;
const formats = [
  ['warm-pools.txt', text, 4],
  ['warm-pools.json', json, 4],
  ['warm-pools.md', frontmatter, 3],
] as const;

describe('a "Best for:" line whose roles are parted by a bar, a dot or a semicolon, as a profile or a slide lists them', () => {
  it.each(
    formats.flatMap(([file, write, line]) => ['|', '·', '•', ';'].map((mark) => [file, mark, write, line] as const)),
  )('%s with "%s" between known roles reads each role, with a warning to write commas', (file, mark, write, line) => {
    const roles = `CTO ${mark} Executive ${mark} VP of Engineering/Data`;
    const { summary, problems } = parseSummary(write(roles), file, taxonomy);
    expect(summary?.roles).toEqual(['CTO', 'Executive', 'VP of Engineering/Data']);
    expect(problems.map(formatProblem)).toEqual([
      `${file}:${line}: warning: roles: "${roles}" is read as 3 roles: CTO, Executive, VP of Engineering/Data — separate roles with commas: write "CTO, Executive, VP of Engineering/Data"`,
    ]);
  });

  it('reads known roles joined by a slash inside a part as each of them too', () => {
    const { summary } = parseSummary(text('CTO|CEO/Founder'), 'warm-pools.txt', taxonomy);
    expect(summary?.roles).toEqual(['CTO', 'Executive']);
  });

  it('keeps a list with a part no role names as one unknown role', () => {
    const { summary, problems } = parseSummary(text('CTO | Platform Lead'), 'warm-pools.txt', taxonomy);
    expect(summary?.roles).toEqual(['CTO | Platform Lead']);
    expect(problems.map((p) => p.message)).toEqual(['unknown role "CTO | Platform Lead"']);
  });

  it('keeps a role the roles file names with a dot in it whole', () => {
    const dotted = createTaxonomy([
      { name: 'CTO', aliases: [] },
      { name: 'R·D', aliases: [] },
    ]);
    const { summary, problems } = parseSummary(text('R·D'), 'warm-pools.txt', dotted);
    expect(summary?.roles).toEqual(['R·D']);
    expect(problems).toEqual([]);
  });

  it('reads "CTO; Executive" as both roles, as a reader\'s roles cell "CTO;Executive" is read', () => {
    const { summary, problems } = parseSummary(text('CTO; Executive'), 'warm-pools.txt', taxonomy);
    expect(summary?.roles).toEqual(['CTO', 'Executive']);
    expect(problems.map(formatProblem)).toEqual([
      'warm-pools.txt:4: warning: roles: "CTO; Executive" is read as 2 roles: CTO, Executive — separate roles with commas: write "CTO, Executive"',
    ]);
  });

  it('keeps "CTO; Platform Lead" one unknown role, and says which part no role names', () => {
    const { summary, problems } = parseSummary(text('CTO; Platform Lead'), 'warm-pools.txt', taxonomy);
    expect(summary?.roles).toEqual(['CTO; Platform Lead']);
    expect(problems.map((p) => p.message)).toEqual(['unknown role "CTO; Platform Lead"']);
  });
});
