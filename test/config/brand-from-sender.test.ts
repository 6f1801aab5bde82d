import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, type TempProject, tempProject } from '../helpers/project.js';

const WITHOUT_BRAND = {
  sender: { name: 'Platform Notes', email: 'notes@platform.test' },
  listId: 'notes.platform.test',
  footer: { postalAddress: 'Platform Notes · 1 Test Road · Berlin' },
};

let project: TempProject | undefined;
afterEach(async () => {
  await project?.cleanup();
  project = undefined;
});

describe('a config without a brand', () => {
  it('names the list after its sender', () => {
    const config = parseConfig(JSON.stringify(WITHOUT_BRAND), '/project/rolecast.config.json');
    expect(config.brand.name).toBe('Platform Notes');
    expect(config.brand.primaryColor).toBe('#1f3a5f');
  });

  it('keeps a brand that is written', () => {
    const config = parseConfig(
      JSON.stringify({ ...WITHOUT_BRAND, brand: { name: 'The Platform Weekly' } }),
      '/project/rolecast.config.json',
    );
    expect(config.brand.name).toBe('The Platform Weekly');
  });

  it("shows readers the sender's name, not the tool's, at the top of the message", async () => {
    project = await tempProject({
      files: {
        'rolecast.config.json': JSON.stringify(WITHOUT_BRAND),
        'roles.yaml': await readFile(`${REPO_ROOT}/roles.yaml`, 'utf8'),
        'issues/2026-W49/issue.json': JSON.stringify({ subject: '{{lead}}', date: '2026-11-30', summaries: ['a.txt'] }),
        'issues/2026-W49/a.txt': 'Error Budgets\nSummary\nGate releases on the budget.\nBest for: CTO\n',
      },
    });
    const result = await runCli(['build', 'issues/2026-W49', '--out', 'out'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const text = await readFile(project.path('out/cto.txt'), 'utf8');
    expect(text.split('\n')[0]).toBe('Platform Notes');
    expect(text).not.toMatch(/\bRolecast\b/);
  });
});
