import { afterAll, describe, expect, it, vi } from 'vitest';
import { EXAMPLE_ISSUE, REPO_ROOT } from '../helpers/project.js';

/** How many times each text was read for its keywords. */
const readsOf = new Map<string, number>();

vi.mock('../../src/render/_text.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/render/_text.js')>();
  return {
    ...original,
    keywords: (text: string) => {
      readsOf.set(text, (readsOf.get(text) ?? 0) + 1);
      return original.keywords(text);
    },
  };
});

afterAll(() => {
  vi.doUnmock('../../src/render/_text.js');
  vi.resetModules();
});

describe('texts checked for stories a variant lacks', () => {
  it('work out a text every variant shares once, however many one-off preheaders pass between', async () => {
    vi.resetModules();
    readsOf.clear();
    const { loadProject } = await import('../../src/load/project.js');
    const { absentAmong } = await import('../../src/render/mentions.js');
    const project = await loadProject({ issueDir: EXAMPLE_ISSUE, cwd: REPO_ROOT });
    const all = project.issue.summaries;
    const shared = `This week: ${all[0]!.title}`;
    const expected = absentAmong(shared, [], all);
    // Every role set with a preheader of its own ("Also: …"), the issue's text asked of each.
    for (let i = 0; i < 3000; i++) {
      absentAmong(`Also: ${all[1]!.title} · story ${i}`, [], all);
      expect(absentAmong(shared, [], all)).toEqual(expected);
    }
    expect(readsOf.get(shared)).toBe(1);
  });
});
