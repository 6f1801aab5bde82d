import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';

/**
 * A user with no home folder (no HOME, and no entry in /etc/passwd: a container run as a bare user
 * id) has no cache folder for the note of how far the state file was written. Node cannot tell the
 * home folder then and throws, and every command that opens the state stopped with "this is a bug":
 * no send, no status, no suppress.
 */

vi.mock('node:os', async (original) => {
  const os = await original<typeof import('node:os')>();
  const homedir = () => {
    throw Object.assign(
      new Error('A system error occurred: uv_os_homedir returned ENOENT (no such file or directory)'),
      {
        code: 'ERR_SYSTEM_ERROR',
      },
    );
  };
  return { ...os, homedir, default: { ...os, homedir } };
});

// Test files share one module registry: the state modules are loaded afresh after the mock, and
// the mock is dropped after, so neither an earlier file's real `node:os` nor this one leaks.
let state: typeof import('../../src/state/open.js');
beforeAll(async () => {
  vi.resetModules();
  state = await import('../../src/state/open.js');
});
afterAll(() => {
  vi.doUnmock('node:os');
  vi.resetModules();
});

const CACHE_VARIABLES = ['ROLECAST_CACHE_DIR', 'XDG_CACHE_HOME', 'HOME'] as const;
let saved: Partial<Record<(typeof CACHE_VARIABLES)[number], string>>;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-no-home-'));
  saved = {};
  for (const name of CACHE_VARIABLES) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
});

afterEach(() => {
  for (const name of CACHE_VARIABLES) {
    const value = saved[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(dir, { recursive: true, force: true });
});

it('the state file opens, takes a suppression and reads it back without a home folder', async () => {
  expect((await import('node:os')).homedir).toThrow(/uv_os_homedir/);
  const file = join(dir, '.rolecast', 'state.db');
  const opened = await state.openState({ kind: 'sqlite', file });
  await opened.suppressions.add('ada@example.com', { reason: 'unsubscribe' });
  await opened.close();

  const again = await state.openExistingState({ kind: 'sqlite', file });
  expect(again).toBeDefined();
  expect(await again!.suppressions.isSuppressed('ada@example.com')).toBe(true);
  await again!.close();
});
