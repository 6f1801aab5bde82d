import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
