import { afterEach, describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { loadIssue } from '../../src/load/issue.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);

const MANIFEST = JSON.stringify(
  {
    subject: '{{lead}} · {{weekLabel}}',
    date: '2026-11-26',
    intro: 'Don’t miss the café notes — and the “queue” piece.',
    summaries: ['a.txt'],
  },
  null,
  2,
);

/** Windows-1252 bytes of a text that holds only characters that code page has. */
function windows1252(text: string): Buffer {
  const high: Record<string, number> = { '’': 0x92, '“': 0x93, '”': 0x94, '—': 0x97 };
  return Buffer.from([...text].map((char) => high[char] ?? char.charCodeAt(0)));
}

describe('an issue.json saved in another encoding than UTF-8', () => {
  let project: TempProject;
  afterEach(() => project?.cleanup());

  it.each([
    { name: 'Windows-1252', bytes: windows1252(MANIFEST), warning: true },
    { name: 'UTF-16 LE with its byte order mark', bytes: Buffer.from(`\ufeff${MANIFEST}`, 'utf16le'), warning: false },
    {
      name: 'UTF-16 BE with its byte order mark',
      bytes: Buffer.from(`\ufeff${MANIFEST}`, 'utf16le').swap16(),
      warning: false,
    },
  ])('reads $name as written, so the subject and intro reach readers whole', async ({ bytes, warning }) => {
    project = await tempProject({
      files: { 'issues/x/a.txt': 'Warm Pools\nSummary\nKeep two warm.\nBest for: CTO\n' },
    });
    await project.write('issues/x/issue.json', bytes);
    const { issue, problems } = await loadIssue(project.path('issues/x'), taxonomy);
    expect(problems.filter((p) => p.severity === 'error').map(formatProblem)).toEqual([]);
    expect(issue?.manifest.subject).toBe('{{lead}} · {{weekLabel}}');
    expect(issue?.manifest.intro).toBe('Don’t miss the café notes — and the “queue” piece.');
    expect(problems.map(formatProblem)).toEqual(
      warning
        ? [
            expect.stringMatching(
              /issue\.json:1: warning: file: is not UTF-8; read as Windows-1252 — save the file as UTF-8/,
            ),
          ]
        : [],
    );
  });
});
