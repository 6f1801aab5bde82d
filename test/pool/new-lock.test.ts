import { existsSync } from 'node:fs';
import { readFile, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { lockIssuesFolder } from '../../src/pool/new-lock.js';
import { lockHolder } from '../helpers/lock-holder.js';
import type { TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * The lock `new` holds while it reads, picks and writes: bounded, with the holder named, and a
 * lock from another host (whose process cannot be checked) taken over once it is an hour old.
 */

let project: TempProject | undefined;
afterEach(() => project?.cleanup());

describe('the lock of the issues folder', () => {
  it('refuses with the holder and the file to delete once the wait is over, and stops waiting when interrupted', async () => {
    project = (await poolProject()).project;
    const live = await lockHolder();
    try {
      await project.write('issues/.rolecast-new.lock', live.row);
      const refused = await lockIssuesFolder(project.path('issues'), { cwd: project.dir, waitMs: 300 }).catch(
        (error: RolecastError) => error,
      );
      expect(refused).toBeInstanceOf(RolecastError);
      expect((refused as RolecastError).code).toBe('E_LOCKED');
      expect((refused as RolecastError).message).toBe(
        `another rolecast new is picking from this pool (pid ${live.child.pid} on ${hostname()}, started ${live.startedAt}): issues/.rolecast-new.lock was still held after 0 s`,
      );
      expect((refused as RolecastError).hint).toContain(
        `if pid ${live.child.pid} is not a rolecast new, delete issues/.rolecast-new.lock and run it again`,
      );
      const controller = new AbortController();
      const interrupted = lockIssuesFolder(project.path('issues'), {
        cwd: project.dir,
        signal: controller.signal,
        onWait: () => controller.abort(),
      }).catch((error: RolecastError) => error);
      expect(await interrupted).toMatchObject({ code: 'E_INTERRUPTED' });
      // Neither touched the live run's lock.
      expect(await readFile(project.path('issues/.rolecast-new.lock'), 'utf8')).toBe(live.row);
    } finally {
      live.child.kill('SIGKILL');
    }
  });

  it('waits for a run on another host, and takes over its lock once it is an hour old', async () => {
    project = (await poolProject()).project;
    const row = (startedAt: Date) =>
      `${JSON.stringify({ pid: 4242, host: `not-${hostname()}`, token: 'elsewhere', started_at: startedAt.toISOString(), proc_start: null })}\n`;
    await project.write('issues/.rolecast-new.lock', row(new Date()));
    const refused = await lockIssuesFolder(project.path('issues'), { cwd: project.dir, waitMs: 300 }).catch(
      (error: RolecastError) => error,
    );
    expect(refused).toMatchObject({ code: 'E_LOCKED' });
    expect((refused as RolecastError).hint).toContain('a run on another host cannot be checked from here');

    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await project.write('issues/.rolecast-new.lock', row(twoHoursAgo));
    await utimes(project.path('issues/.rolecast-new.lock'), twoHoursAgo, twoHoursAgo);
    const lock = await lockIssuesFolder(project.path('issues'), { cwd: project.dir, waitMs: 300 });
    expect(JSON.parse(await readFile(project.path('issues/.rolecast-new.lock'), 'utf8'))).toMatchObject({
      pid: process.pid,
    });
    await lock.release();
    expect(existsSync(project.path('issues/.rolecast-new.lock'))).toBe(false);
  });

  it('keeps a lock another host placed just now, though its clock, an hour behind, dates it earlier', async () => {
    project = (await poolProject()).project;
    const behind = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const row = { pid: 4242, host: `not-${hostname()}`, token: 'elsewhere', started_at: behind, proc_start: null };
    await project.write('issues/.rolecast-new.lock', `${JSON.stringify(row)}\n`);
    const refused = await lockIssuesFolder(project.path('issues'), { cwd: project.dir, waitMs: 300 }).catch(
      (error: RolecastError) => error,
    );
    expect(refused).toMatchObject({ code: 'E_LOCKED' });
    expect(JSON.parse(await readFile(project.path('issues/.rolecast-new.lock'), 'utf8'))).toMatchObject({
      token: 'elsewhere',
    });
  });
});
