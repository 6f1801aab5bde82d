import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { RolecastError } from '../../src/errors.js';
import type { TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * The preview takes new's lock of the issues folder to include a pool entry, so one process may
 * ask for it twice at once (two tabs). A lock naming this process with a token it had not noted
 * yet counted as left by an earlier process of the same pid: the second taker, looking while the
 * first was still tidying up after placing it, took it over, and both went on.
 */

// While set, tidying up after placing the lock waits for it: the first taker is caught there.
let hold: { reached: () => void; until: Promise<void> } | undefined;

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const rm = (async (path: string, options?: Parameters<typeof fs.rm>[1]) => {
    const caught = hold;
    if (caught && String(path).includes('.rolecast-new.lock.') && String(path).endsWith('.tmp')) {
      hold = undefined;
      caught.reached();
      await caught.until;
    }
    return fs.rm(path, options);
  }) as typeof fs.rm;
  return { ...fs, default: { ...fs, rm }, rm };
});

// Test files share one module registry: the lock is loaded afresh, with the mock.
vi.resetModules();
const { lockIssuesFolder } = await import('../../src/pool/new-lock.js');

afterAll(() => {
  vi.doUnmock('node:fs/promises');
  vi.resetModules();
});

let project: TempProject | undefined;
afterEach(async () => {
  hold = undefined;
  await project?.cleanup();
});

describe('two takers of the issues lock in one process', () => {
  it('lets one hold it: the other waits, and is refused once its wait is over', async () => {
    project = (await poolProject()).project;
    let release: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      hold = { reached: resolve, until: new Promise<void>((done) => (release = done)) };
    });
    const first = lockIssuesFolder(project.path('issues'), { cwd: project.dir });
    await reached;
    const second = await lockIssuesFolder(project.path('issues'), { cwd: project.dir, waitMs: 300 }).catch(
      (error: RolecastError) => error,
    );
    release();
    const held = await first;
    expect(second).toMatchObject({ code: 'E_LOCKED' });
    await held.release();
    // Once released it is free again to this process.
    await (await lockIssuesFolder(project.path('issues'), { cwd: project.dir, waitMs: 300 })).release();
  });
});
