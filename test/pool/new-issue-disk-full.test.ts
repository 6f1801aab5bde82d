import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { RolecastError } from '../../src/errors.js';
import { minimalIssuePlan } from '../helpers/new-issue-plan.js';

/**
 * `new` on a drive that fills up while issue.json is written: the write names no file (as a
 * FileHandle's write fails with ENOSPC), so the command said "this is a bug" with a stack. It now
 * names the file and the full disk, leaves no issue.json and no temp file, and writes the issue
 * once space is freed.
 */

const full = vi.hoisted(() => ({ code: '', file: '' }));
vi.mock('node:fs/promises', async (original) => {
  const actual = await original<typeof import('node:fs/promises')>();
  return {
    ...actual,
    writeFile: async (...args: Parameters<typeof actual.writeFile>) => {
      if (full.code && String(args[0]).includes(full.file)) {
        await actual.writeFile(args[0], '');
        throw Object.assign(new Error(`${full.code}: no space left on device, write`), {
          code: full.code,
          syscall: 'write',
        });
      }
      return actual.writeFile(...args);
    },
  };
});

// Test files share one module registry: load the writer afresh so it sees the mock, and leave none behind.
vi.resetModules();
const { writeNewIssue } = await import('../../src/pool/new-issue.js');
const { RolecastError: FreshError } = await import('../../src/errors.js');
afterAll(() => {
  vi.doUnmock('node:fs/promises');
  vi.resetModules();
});

let dir: string | undefined;
afterEach(async () => {
  full.code = '';
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('new when the disk is full', () => {
  it.each([
    ['ENOSPC', 'issue.json'],
    ['EDQUOT', 'issue.json'],
    ['ENOSPC', 'picked.json'],
  ])(
    'names the file and the full disk (%s at %s), writes no issue, and writes it once space is freed',
    async (code, file) => {
      dir = await mkdtemp(join(tmpdir(), 'rolecast-full-'));
      const issueDir = join(dir, '2026-W49');
      full.code = code;
      full.file = file;
      const error = await writeNewIssue(minimalIssuePlan(issueDir)).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(FreshError);
      expect((error as RolecastError).exitCode).toBe(2);
      expect((error as RolecastError).message).toMatch(
        new RegExp(`2026-W49[/\\\\]${file.replace('.', '\\.')} could not be written: the disk is full`),
      );
      expect((error as RolecastError).hint).toMatch(/free some space/);
      expect(await readdir(issueDir)).toEqual([]);
      full.code = '';
      await writeNewIssue(minimalIssuePlan(issueDir));
      expect((await readdir(issueDir)).sort()).toEqual(['issue.json', 'picked.json']);
    },
  );
});
