import { realpath } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';

/**
 * Whether a summary file (symlinks followed) lies inside the project folder. A file that does not
 * exist yet counts as inside: the manifest's own "does not exist" error names it then.
 */
export async function insideProject(file: string, projectDir: string): Promise<boolean> {
  let real: string;
  let root: string;
  try {
    [real, root] = await Promise.all([realpath(file), realpath(projectDir)]);
  } catch {
    return below(projectDir, file);
  }
  return real !== root && below(root, real);
}

/** Whether `path` lies at or below `dir` (both resolved). */
function below(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return !rel.startsWith('..') && !isAbsolute(rel);
}
