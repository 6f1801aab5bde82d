import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectProject } from '../../src/load/project.js';
import { renderProblems } from '../../src/render/index.js';
import { REPO_ROOT, type TempProject, tempProject } from '../helpers/project.js';

const CONFIG = {
  sender: { name: 'Platform Notes', email: 'notes@platform.test' },
  listId: 'notes.platform.test',
  footer: { postalAddress: '1 Test Road, Berlin' },
};
const LONG = Array.from({ length: 12 }, (_, i) => `Sentence ${i + 1} makes one more point of the argument.`).join(' ');
const SUMMARIES = {
  'issues/2026-W51/long.txt': `A Long One\nSummary\n${LONG}\nPrinciples\n- Own the budget.\n- Spend it on purpose.\nIn practice\n- One.\n- Two.\n- Three.\n- Four.\nBest for: CTO\nLink: https://example.org/long\n`,
  'issues/2026-W51/short.txt':
    'A Short One\nSummary\nBound the queue.\nIn practice\n- Set a limit.\nBest for: CTO\nLink: https://example.org/short\n',
  'issues/2026-W51/issue.json': JSON.stringify({
    subject: '{{lead}}',
    date: '2026-12-14',
    summaries: ['long.txt', 'short.txt'],
  }),
};

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

async function renderWarnings(config: object) {
  project = await tempProject({
    files: {
      ...SUMMARIES,
      'rolecast.config.json': JSON.stringify(config),
      'roles.yaml': await readFile(`${REPO_ROOT}/roles.yaml`, 'utf8'),
    },
  });
  const { project: loaded, problems } = await inspectProject({ issueDir: 'issues/2026-W51', cwd: project.dir });
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  return (await renderProblems(loaded!)).filter((p) => p.field === 'cards.style');
}

describe('text that compact cards leave out', () => {
  it('is a warning naming each summary and what of it no reader can read, without an archive', async () => {
    const warnings = await renderWarnings(CONFIG);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ severity: 'warning', file: project!.path('rolecast.config.json') });
    expect(warnings[0]!.message).toContain(
      'long.txt (the summary after about 60 words, 2 principle(s), 1 tip(s) after the third)',
    );
    expect(warnings[0]!.message).not.toContain('short.txt');
    expect(warnings[0]!.hint).toContain('"style": "full"');
  });

  it('is no warning when cards are full, or a cut card links the whole summary in the archive', async () => {
    expect(await renderWarnings({ ...CONFIG, cards: { style: 'full' } })).toEqual([]);
    await project?.cleanup();
    expect(await renderWarnings({ ...CONFIG, urls: { archive: 'https://notes.example/archive' } })).toEqual([]);
  });
});
