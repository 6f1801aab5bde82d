import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { runMain, type TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * `new` wrote issue.json first and measured its size after: when the measuring render failed, the
 * command stopped with an issue on disk that nothing had described, holding picks the size gate
 * would have left out. The issue is now measured before it is written, and written once, whole.
 */

const failing = vi.hoisted(() => ({ render: false }));
vi.mock('../../src/render/index.js', async (original) => {
  const actual = await original<typeof import('../../src/render/index.js')>();
  return {
    ...actual,
    renderProblems: async (...args: Parameters<typeof actual.renderProblems>) => {
      if (failing.render) throw new Error('the renderer failed');
      return actual.renderProblems(...args);
    },
  };
});

// Test files share one module registry: load the CLI afresh so it sees the mock, and leave none behind.
vi.resetModules();
afterAll(() => {
  vi.doUnmock('../../src/render/index.js');
  vi.resetModules();
});

let project: TempProject | undefined;
afterEach(() => {
  failing.render = false;
  return project?.cleanup();
});

describe('new writes the issue only once it is complete', () => {
  it('leaves no issue.json behind when measuring the issue fails', async () => {
    project = (await poolProject()).project;
    failing.render = true;
    const created = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(created.code).not.toBe(0);
    expect(created.all).toContain('the renderer failed');
    expect(existsSync(project.path('issues/2026-W49/issue.json'))).toBe(false);

    // The next run, with the renderer working, writes the issue: nothing half-made stands in its way.
    failing.render = false;
    const again = await runMain(project.dir, ['new', '--week', '2026-W49']);
    expect(again.code).toBe(0);
    const issue = JSON.parse(await readFile(project.path('issues/2026-W49/issue.json'), 'utf8'));
    expect(issue.summaries).toEqual(['pool:queues', 'pool:flags', 'pool:focus']);
    // No temp file is left; the record of what was picked (picked.json) sits beside the issue.
    expect(await readdir(project.path('issues/2026-W49'))).toEqual(['issue.json', 'picked.json']);
  });

  it('still refuses to replace an issue.json that is there', async () => {
    project = (await poolProject()).project;
    await project.write('issues/2026-W50/issue.json', '{"subject":"mine","date":"2026-12-09","summaries":[]}');
    const created = await runMain(project.dir, ['new', '--week', '2026-W50']);
    expect(created.code).toBe(2);
    expect(created.err).toContain('issues/2026-W50/issue.json already exists');
    expect(await readFile(project.path('issues/2026-W50/issue.json'), 'utf8')).toContain('"mine"');
    expect(await readdir(project.path('issues/2026-W50'))).toEqual(['issue.json']);
  });
});
