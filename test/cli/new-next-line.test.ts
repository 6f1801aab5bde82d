import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { perTest } from '../helpers/per-test.js';
import { REPO_ROOT, runMain, type TempProject, tempProject } from '../helpers/project.js';

/**
 * `new` ends with the command to run next. It names the subscribers file and config `new` was
 * given, as the README's week does, so the preview it points to shows each reader's message
 * rather than "Start the preview with --subscribers FILE".
 */
const opened = perTest<{ project: TempProject }>(['project']);

async function runNew(...extra: string[]) {
  const project = await tempProject({ withExample: true });
  opened.project = project;
  await cp(join(REPO_ROOT, 'issues/_pool'), project.path('issues/_pool'), { recursive: true });
  return runMain(project.dir, ['new', ...extra]);
}

describe('rolecast new: the next step it prints', () => {
  it('carries --subscribers over to the preview', async () => {
    const made = await runNew('--subscribers', 'subscribers.example.json');
    expect(made.code, made.all).toBe(0);
    expect(made.out).toContain('next: rolecast preview issues/2026-W49 --subscribers subscribers.example.json\n');
  });

  it('carries --config over too', async () => {
    const made = await runNew('--subscribers', 'subscribers.example.json', '--config', './rolecast.config.json');
    expect(made.code, made.all).toBe(0);
    expect(made.out).toContain(
      'next: rolecast preview issues/2026-W49 --subscribers subscribers.example.json --config ./rolecast.config.json\n',
    );
  });

  it('without them names the issue alone', async () => {
    const made = await runNew();
    expect(made.code, made.all).toBe(0);
    expect(made.out).toContain('next: rolecast preview issues/2026-W49\n');
  });
});
