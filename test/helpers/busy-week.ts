import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Eight roles of the example project's roles.yaml: a reader of all of them gets most of a busy week. */
export const BUSY_ROLES = [
  'CTO',
  'Executive',
  'VP of Engineering/Data',
  'Director of AI/ML',
  'AI Architect',
  'Consultant',
  'Engineering Manager',
  'Software Engineer',
];

const LONG =
  'The platform group describes how a routine model upgrade exposed gaps in the way they measured quality, and how a small, curated evaluation set of three hundred real customer questions caught regressions that their benchmark scores missed entirely. They explain the budget trade-offs, the staffing they needed and the review process with product owners.';

/**
 * Replaces the summaries of the example issue in `issueDir` with twenty long ones, each for three
 * or four of the eight roles: the editor edition and an eight-role reader's copy pass the size limit.
 */
export async function writeBusyWeek(issueDir: string): Promise<void> {
  const files: string[] = [];
  for (let i = 0; i < 20; i++) {
    const file = `summaries/story-${String(i + 1).padStart(2, '0')}.json`;
    files.push(file);
    await writeFile(
      join(issueDir, file),
      JSON.stringify({
        title: `Why team ${i + 1} rebuilt their evaluation pipeline before swapping models in production`,
        summary: `${LONG} ${LONG}`,
        takeaway: 'Build the evaluation harness before the model swap, not after the incident; keep the set small.',
        insights: 'Benchmarks measure the model; a curated set measures your product.',
        principles: [
          'Measure on your own traffic.',
          'Give the evaluation set an owner.',
          'Treat a swap like a migration.',
        ],
        practice: [
          'Sample real questions and label them.',
          'Run the harness on both models.',
          'Report regressions weekly.',
        ],
        topics: ['Evaluation', 'Model Operations', 'Quality'],
        roles: [...new Set([BUSY_ROLES[i % 8]!, BUSY_ROLES[(i + 3) % 8]!, BUSY_ROLES[(i + 5) % 8]!, 'Data Scientist'])],
        source: 'Northwind Analytics Engineering',
        url: `https://example.org/stories/${i + 1}`,
      }),
    );
  }
  const manifestFile = join(issueDir, 'issue.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
  await writeFile(manifestFile, JSON.stringify({ ...manifest, summaries: files, roleOrder: [] }));
}
