import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RolecastError } from '../../src/errors.js';
import { lockIssuesFolder } from '../../src/pool/new-lock.js';
import { lockHolder } from '../helpers/lock-holder.js';
import type { TempProject } from '../helpers/project.js';
import { poolProject } from './_fixture.js';

/**
 * new waits a bounded time for a run holding the issues folder. The bound was kept by the clock
 * of the day: the clock set back an hour while new waited (a wrong time corrected) made the
 * 5-minute wait last an hour and five minutes.
 */

let project: TempProject | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await project?.cleanup();
});

describe('the clock set back while new waits for the issues lock', () => {
  it('keeps the wait to its bound', async () => {
    project = (await poolProject()).project;
    const live = await lockHolder();
    // Past any bound of this wait: a wait that never ends is stopped, and shows as interrupted.
    const stop = new AbortController();
    const never = setTimeout(() => stop.abort(), 60_000);
    try {
      await project.write('issues/.rolecast-new.lock', live.row);
      vi.useFakeTimers({ toFake: ['Date'] });
      const outcome = await lockIssuesFolder(project.path('issues'), {
        cwd: project.dir,
        waitMs: 300,
        signal: stop.signal,
        onWait: () => vi.setSystemTime(Date.now() - 3_600_000),
      }).catch((error: RolecastError) => error);
      expect(outcome).toMatchObject({ code: 'E_LOCKED' });
    } finally {
      clearTimeout(never);
      live.child.kill('SIGKILL');
    }
  }, 90_000);
});
