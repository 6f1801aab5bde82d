import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RolecastError } from '../../src/errors.js';
import { type LockTerms, takeLock } from '../../src/lock-file.js';
import { useSmallDisk } from '../helpers/tmpfs.js';

/**
 * A lock whose release failed (its disk turned read-only) stays in place naming this process. It
 * must not stay noted as held here: a later taker in the same process would count it live, wait and
 * be refused, rather than take over a lock nobody holds any more.
 */

const disk = useSmallDisk('1m');

const terms: LockTerms = {
  waitMs: 0,
  held: () => new RolecastError('E_LOCKED', 'held'),
  left: (_holder, why) => new RolecastError('E_LOCKED', `left: ${why}`),
  interrupted: () => new RolecastError('E_LOCKED', 'interrupted'),
};

const remount = (mode: 'ro' | 'rw') => execFileSync('mount', ['-o', `remount,${mode}`, disk.dir!]);

describe('a lock whose release fails', () => {
  it.skipIf(!disk.dir && process.env.CI !== 'true')('is taken over by the next taker in this process', async () => {
    expect(disk.dir, 'mounting a small tmpfs needs root on Linux (mount -t tmpfs)').toBeDefined();
    const file = join(disk.dir!, 'build.lock');
    const first = await takeLock(file, terms);
    remount('ro');
    try {
      await expect(first.release()).rejects.toThrow(/read-only/);
    } finally {
      remount('rw');
    }
    const second = await takeLock(file, terms);
    await second.release();
  });
});
