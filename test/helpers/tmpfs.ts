import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';

/**
 * A really small disk: a tmpfs of `size` (`320k`, `2m`) mounted on a new folder. Needs `mount -t
 * tmpfs` (root on Linux); undefined where that is not allowed. The caller unmounts it with `unmount`.
 */
export function mountTmpfs(size: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'rolecast-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmdirSync(dir);
    return undefined;
  }
}

export function unmount(dir: string): void {
  execFileSync('umount', [dir]);
  rmdirSync(dir);
}

export interface SmallDisk {
  /** Where it is mounted; undefined where it cannot be (then a test under CI=true must fail). */
  readonly dir: string | undefined;
  /** Fills the disk up to `free` bytes left. */
  fill(free: number): void;
  /** Frees what `fill` took. */
  free(): void;
}

/** A tmpfs of `size` for a test file: emptied after each test, unmounted after the last. */
export function useSmallDisk(size: string): SmallDisk {
  const dir = mountTmpfs(size);
  const filler = () => join(dir!, '.filler');
  afterEach(() => {
    if (dir) for (const name of readdirSync(dir)) rmSync(join(dir, name), { recursive: true, force: true });
  });
  afterAll(() => {
    if (dir) unmount(dir);
  });
  return {
    dir,
    fill(free) {
      const { bavail, bsize } = statfsSync(dir!);
      writeFileSync(filler(), Buffer.alloc(bavail * bsize - free));
    },
    free() {
      rmSync(filler());
    },
  };
}
