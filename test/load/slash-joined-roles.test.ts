import { describe, expect, it } from 'vitest';
import { parseSubscribersCsv } from '../../src/load/subscribers.js';
import { parseSummary } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';

/** Known roles joined with a slash, as job titles are written in spreadsheets ("ML Engineer / AI Architect"). */
const taxonomy = createTaxonomy([
  { name: 'ML Engineer', aliases: [] },
  { name: 'AI Architect', aliases: [] },
  { name: 'Executive', aliases: ['CEO', 'Founder'] },
  { name: 'VP of Engineering/Data', aliases: [] },
  { name: 'CTO', aliases: [] },
]);

describe('roles joined with a slash', () => {
  it('reads a reader holding both as each, and tells the editor how to write them apart', () => {
    const csv =
      'email;name;roles\nfarid@example.com;Farid;ML Engineer / AI Architect\neve@example.com;Eve;CEO/Founder\n';
    const { subscribers, problems } = parseSubscribersCsv(csv, 'readers.csv', taxonomy);
    expect(subscribers.map((s) => s.roles)).toEqual([['ML Engineer', 'AI Architect'], ['Executive']]);
    expect(problems.map((p) => [p.line, p.message, p.hint])).toEqual([
      [
        2,
        '"ML Engineer / AI Architect" is read as 2 roles: ML Engineer, AI Architect',
        'separate the roles with "|", ";" or a comma to say so plainly: write "ML Engineer|AI Architect" (or each as an entry of a roles list)',
      ],
      [
        3,
        '"CEO/Founder" is read as one role: Executive',
        'separate the roles with "|", ";" or a comma to say so plainly: write "Executive" (or each as an entry of a roles list)',
      ],
    ]);
  });

  it('reads a summary naming roles joined by a slash without spaces as each, and suggests a comma', () => {
    const text = 'Pricing\nSummary\nCharge per outcome.\nBest for: CEO/Founder, ML Engineer/AI Architect\n';
    const { summary, problems } = parseSummary(text, 'pricing.txt', taxonomy);
    expect(summary?.roles).toEqual(['Executive', 'ML Engineer', 'AI Architect']);
    expect(problems.map((p) => [p.message, p.hint])).toEqual([
      ['"CEO/Founder" is read as one role: Executive', 'separate roles with commas: write "Executive"'],
      [
        '"ML Engineer/AI Architect" is read as 2 roles: ML Engineer, AI Architect',
        'separate roles with commas: write "ML Engineer, AI Architect"',
      ],
    ]);
  });

  it('keeps a role whose own name holds a slash, beside one after a spaced slash', () => {
    const text = 'Pricing\nSummary\nCharge per outcome.\nBest for: VP of Engineering/Data / CTO\n';
    const { summary, problems } = parseSummary(text, 'pricing.txt', taxonomy);
    expect(summary?.roles).toEqual(['VP of Engineering/Data', 'CTO']);
    expect(problems.map((p) => p.hint)).toEqual(['separate roles with commas: write "VP of Engineering/Data, CTO"']);
  });
});
