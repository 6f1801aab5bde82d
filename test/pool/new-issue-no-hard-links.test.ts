import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { minimalIssuePlan } from '../helpers/new-issue-plan.js';

/**
 * `new` writes issue.json as a temp file linked in under its name. A folder on a drive that holds
 * no hard links (exFAT, FAT, some network shares) refuses the link: `new` then failed every week
 * there, though it had worked before. It now writes the file in place, still never over one.
 */

const refuse = vi.hoisted(() => ({ code: '' }));
vi.mock('node:fs/promises', async (original) => {
  const actual = await original<typeof import('node:fs/promises')>();
  return {
    ...actual,
    link: async (...args: Parameters<typeof actual.link>) => {
      if (refuse.code)
        throw Object.assign(new Error(`${refuse.code}: operation not permitted, link`), { code: refuse.code });
      return actual.link(...args);
    },
  };
});

// Test files share one module registry: load the writer afresh so it sees the mock, and leave none behind.
vi.resetModules();
const { writeNewIssue } = await import('../../src/pool/new-issue.js');
afterAll(() => {
  vi.doUnmock('node:fs/promises');
  vi.resetModules();
});

let dir: string | undefined;
afterEach(async () => {
  refuse.code = '';
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('new on a drive without hard links', () => {
  it.each(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'])(
    'writes issue.json when the link is refused with %s',
    async (code) => {
      dir = await mkdtemp(join(tmpdir(), 'rolecast-nolink-'));
      refuse.code = code;
      const file = await writeNewIssue(minimalIssuePlan(join(dir, '2026-W49')));
      expect(JSON.parse(await readFile(file, 'utf8')).summaries).toEqual(['pool:a']);
      expect((await readdir(join(dir, '2026-W49'))).sort()).toEqual(['issue.json', 'picked.json']);
    },
  );

  it('still never replaces an issue.json that is there', async () => {
    dir = await mkdtemp(join(tmpdir(), 'rolecast-nolink-'));
    await writeNewIssue(minimalIssuePlan(join(dir, '2026-W49')));
    refuse.code = 'EPERM';
    await expect(writeNewIssue(minimalIssuePlan(join(dir, '2026-W49')))).rejects.toThrow(/already exists/);
    expect((await readdir(join(dir, '2026-W49'))).sort()).toEqual(['issue.json', 'picked.json']);
  });
});
