import { afterEach, describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { loadSummaryFile } from '../../src/load/summary.js';
import { createTaxonomy } from '../../src/roles/taxonomy.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const taxonomy = createTaxonomy([{ name: 'CTO', aliases: [] }]);
const TEXT = 'Warm Pools — café\nSummary\nKeep two “warm” pools.\nBest for: CTO\nSource: Zürich Café';

describe('a summary whose last character was cut short when it was saved', () => {
  let project: TempProject;
  afterEach(() => project?.cleanup());

  it('is read as the UTF-8 it is, up to the cut, with a warning on its last line', async () => {
    project = await tempProject();
    const bytes = Buffer.from(TEXT, 'utf8');
    // "é" is two bytes: the save kept the first.
    const file = await project.write('a.txt', bytes.subarray(0, bytes.length - 1));
    const { summary, problems } = await loadSummaryFile(file, taxonomy, 'a.txt');
    expect(summary?.title).toBe('Warm Pools — café');
    expect(summary?.summary).toBe('Keep two “warm” pools.');
    expect(summary?.source).toBe('Zürich Caf');
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^a\.txt:5: warning: file: ends inside a character/),
    ]);
  });

  it('is still read as Windows-1252 when nothing before its end is UTF-8', async () => {
    project = await tempProject();
    const bytes = Buffer.from([...Buffer.from('Warm Pools\nSummary\nKeep two.\nBest for: CTO\nSource: Caf'), 0xe9]);
    const file = await project.write('a.txt', bytes);
    const { summary, problems } = await loadSummaryFile(file, taxonomy, 'a.txt');
    expect(summary?.source).toBe('Café');
    expect(problems.map(formatProblem)).toEqual([expect.stringMatching(/read as Windows-1252/)]);
  });
});
