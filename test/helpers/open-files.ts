import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** The files this process holds open whose path starts with `prefix` (Linux: /proc/self/fd). */
export function openFilesUnder(prefix: string): string[] {
  const held: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(join('/proc/self/fd', fd));
      if (target.startsWith(prefix)) held.push(target);
    } catch {
      // closed since it was listed
    }
  }
  return held;
}
