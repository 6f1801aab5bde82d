import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { loadIssue } from '../../src/load/issue.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { tempProject } from '../helpers/project.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const ISSUE = { subject: 'S', date: '2026-11-26', summaries: ['a.txt'] };

describe('an issue.json written as a list, as a tool exports one', () => {
  it.each([
    {
      list: [ISSUE],
      error:
        "issue.json:1: (root): must be one JSON object, not a list (of 1) — write the issue's object alone, without the [ … ] around it",
    },
    {
      list: [ISSUE, ISSUE],
      error:
        "issue.json:1: (root): must be one JSON object, not a list (of 2) — an issue folder holds one issue.json: write one issue's object alone, without the [ … ] around it",
    },
    {
      list: [],
      error:
        'issue.json:1: (root): holds an empty list ([ ]) and no issue — write the issue as one JSON object, { … }, in place of the [ ]',
    },
  ])('is refused, saying what the list holds and how to write the object ($list.length)', async ({ list, error }) => {
    const project = await tempProject({
      files: {
        'issues/x/issue.json': `${JSON.stringify(list, null, 2)}\n`,
        'issues/x/a.txt': 'T\nSummary\nx\nBest for: CTO\n',
      },
    });
    const { issue, problems } = await loadIssue(project.path('issues/x'), taxonomy).finally(() => project.cleanup());
    expect(issue).toBeUndefined();
    expect(problems.map(formatProblem).map((p) => p.replace(/^.*?issue\.json/, 'issue.json'))).toEqual([error]);
  });
});
