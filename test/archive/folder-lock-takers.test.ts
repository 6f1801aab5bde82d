import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RolecastError } from '../../src/errors.js';
import { lockHolder } from '../helpers/lock-holder.js';

/**
 * The lock a build takes of its output folder, as new's lock of the issues folder is taken: two
 * takers in one process (a tool building twice at once) both held it, since a lock naming this
 * process counted as ours only once placed; and a lock a gone build left that the folder would not
 * let be removed (another user's, under a sticky bit) was tried three times and then refused as
 * "another build is writing this folder", told to wait for a build that no longer runs.
 */

// While set, tidying up after placing the lock waits for it: the first taker is caught there.
let hold: { reached: () => void; until: Promise<void> } | undefined;
// Removals of this file (or moves of it aside) refused as a sticky bit refuses them; counted.
let stuck: { file: string; refused: number } | undefined;

function refuse(path: unknown): boolean {
  if (!stuck || String(path) !== stuck.file) return false;
  stuck.refused++;
  return true;
}

const eperm = (path: unknown) =>
  Object.assign(new Error(`EPERM: operation not permitted, unlink '${String(path)}'`), { code: 'EPERM' });

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const rm = (async (path: string, options?: Parameters<typeof fs.rm>[1]) => {
    const caught = hold;
    if (caught && String(path).includes('.rolecast-build.lock.') && String(path).endsWith('.tmp')) {
      hold = undefined;
      caught.reached();
      await caught.until;
    }
    if (refuse(path)) throw eperm(path);
    return fs.rm(path, options);
  }) as typeof fs.rm;
  const unlink = (async (path: string) => {
    if (refuse(path)) throw eperm(path);
    return fs.unlink(path);
  }) as typeof fs.unlink;
  const rename = (async (from: string, to: string) => {
    if (String(to).endsWith('.stale') && refuse(from)) throw eperm(from);
    return fs.rename(from, to);
  }) as typeof fs.rename;
  const mocked = { ...fs, rm, unlink, rename };
  return { ...mocked, default: mocked };
});

// Test files share one module registry: the lock is loaded afresh, with the mock.
vi.resetModules();
const { lockFolder, folderLockFile } = await import('../../src/archive/folder-lock.js');
const { realpath, writeFile, mkdir } = await import('node:fs/promises');

afterAll(() => {
  vi.doUnmock('node:fs/promises');
  vi.resetModules();
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rolecast-folder-takers-'));
});
afterEach(() => {
  hold = undefined;
  stuck = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('the lock of an output folder', () => {
  it('is held by one of two takers in one process: the other is refused, naming this process', async () => {
    const site = join(dir, 'site');
    let release: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      hold = { reached: resolve, until: new Promise<void>((done) => (release = done)) };
    });
    const first = lockFolder(site, dir);
    await reached;
    const second = await lockFolder(site, dir).catch((error: RolecastError) => error);
    release();
    const held = await first;
    expect(second).toMatchObject({ code: 'E_LOCKED' });
    expect((second as RolecastError).message).toContain(`pid ${process.pid} on ${hostname()}`);
    await held.release();
    // Once released it is free again to this process.
    await (await lockFolder(site, dir)).release();
  });

  it('stops at once, naming the file to delete, when a gone build left a lock that cannot be removed', async () => {
    const site = join(dir, 'site');
    await mkdir(site);
    const gone = await lockHolder();
    gone.child.kill('SIGKILL');
    await gone.exited;
    const file = folderLockFile(await realpath(site));
    await writeFile(file, gone.row);
    stuck = { file, refused: 0 };
    const outcome = await lockFolder(site, dir).then(
      async (lock) => {
        await lock.release();
        return undefined;
      },
      (error: RolecastError) => error,
    );
    expect(stuck.refused).toBe(1);
    expect(outcome).toMatchObject({ code: 'E_LOCKED' });
    expect(outcome?.message).toBe(
      `a build that is gone (pid ${gone.child.pid} on ${hostname()}, started ${gone.startedAt}) left .site.rolecast-build.lock, which could not be taken over: this user may not remove it`,
    );
    expect(outcome?.hint).toBe('nothing was written; delete .site.rolecast-build.lock and run the command again');
  });
});
