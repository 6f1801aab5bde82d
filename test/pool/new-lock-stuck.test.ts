import { hostname } from 'node:os';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { RolecastError } from '../../src/errors.js';
import { lockHolder } from '../helpers/lock-holder.js';
import type { TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * A lock left by a run that is gone is removed. One the folder will not let this
 * user remove (another user's file in a folder with the sticky bit, a file made immutable) was
 * judged stale again and again: new spun without end, past its 5-minute bound, never saying why.
 */

// Removals of the lock refused, as the file system refuses them; counted.
let refusedMoves = 0;
let stuck: { file: string; onMove: () => Promise<void> } | undefined;

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const unlink = (async (path: string) => {
    if (stuck && path === stuck.file) {
      refusedMoves++;
      await stuck.onMove();
      throw Object.assign(new Error(`EPERM: operation not permitted, unlink '${path}'`), { code: 'EPERM' });
    }
    return fs.unlink(path);
  }) as typeof fs.unlink;
  return { ...fs, default: { ...fs, unlink }, unlink };
});

// Test files share one module registry: the lock is loaded afresh, with the mock.
vi.resetModules();
const { lockIssuesFolder } = await import('../../src/pool/new-lock.js');
const { realpath, rm } = await import('node:fs/promises');

afterAll(() => {
  vi.doUnmock('node:fs/promises');
  vi.resetModules();
});

let project: TempProject | undefined;
afterEach(async () => {
  stuck = undefined;
  refusedMoves = 0;
  await project?.cleanup();
});

describe('a lock left by a run that is gone, which cannot be removed', () => {
  it('stops new at once with E_LOCKED naming the file to delete, instead of trying forever', async () => {
    project = (await poolProject()).project;
    const gone = await lockHolder();
    gone.child.kill('SIGKILL');
    await gone.exited;
    await project.write('issues/.rolecast-new.lock', gone.row);
    const file = `${await realpath(project.path('issues'))}/.rolecast-new.lock`;
    // Past 50 refused removals the lock goes, so a run that keeps trying ends and is counted.
    stuck = { file, onMove: async () => (refusedMoves >= 50 ? rm(file, { force: true }) : undefined) };
    const outcome = await lockIssuesFolder(project.path('issues'), { cwd: project.dir }).then(
      async (lock) => {
        await lock.release();
        return undefined;
      },
      (error: RolecastError) => error,
    );
    expect(refusedMoves).toBe(1);
    expect(outcome).toMatchObject({ code: 'E_LOCKED' });
    expect(outcome?.message).toBe(
      `a rolecast new that is gone (pid ${gone.child.pid} on ${hostname()}, started ${gone.startedAt}) left issues/.rolecast-new.lock, which could not be taken over: this user may not remove it`,
    );
    expect(outcome?.hint).toBe('no issue was written; delete issues/.rolecast-new.lock and run the command again');
  });
});
