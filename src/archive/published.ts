import { lstat, readFile, realpath, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { RolecastError } from '../errors.js';
import { displayPath } from '../load/_display.js';

/**
 * The pages one archive build published, listed in the output folder, so the next build takes
 * down what it no longer publishes: an issue marked draft again, dated later or deleted, a summary
 * taken out of an issue. Left in place, such a page would stay public at its old address.
 * Only files a build listed as its own are ever removed, and only inside the output folder.
 */
export const PUBLISHED_LIST = '.rolecast-published.json';

/** The files the archive writes: `index.html` at any depth, and the feed at the top. */
const isArchiveFile = (path: string) => basename(path) === 'index.html' || path === 'feed.xml';

/** `rolecast build --out` lists its files the same way, in a list of its own. */
export const BUILT_LIST = '.rolecast-built.json';

/** The files `rolecast build` writes, all at the top: each variant's `.html` and `.txt`, and `manifest.json`. */
export const isBuildFile = (path: string) => !/[\\/]/.test(path) && /\.(html|txt)$|^manifest\.json$/.test(path);

/**
 * The previous build's files, relative to the output folder; none when there is no list yet. A
 * list that is there but does not read (bad JSON, another shape, not a file) is refused: read as
 * empty, the pages it names would stay public and be forgotten, and nothing may be removed on a
 * guess either.
 */
export async function readPublished(outDir: string, cwd?: string, name = PUBLISHED_LIST): Promise<string[]> {
  const file = join(outDir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw unreadableList(file, cwd, `could not be read (${(cause as Error).message})`, cause);
  }
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (cause) {
    throw unreadableList(file, cwd, `is not valid JSON (${(cause as Error).message})`, cause);
  }
  const files = (list as { files?: unknown } | null)?.files;
  if (
    typeof list !== 'object' ||
    Array.isArray(list) ||
    !Array.isArray(files) ||
    files.some((f) => typeof f !== 'string')
  )
    throw unreadableList(file, cwd, 'is not a list of published pages ({ "files": ["<path>", …] })');
  return files;
}

function unreadableList(file: string, cwd: string | undefined, why: string, cause?: unknown): RolecastError {
  return new RolecastError('E_INVALID', `${displayPath(file, cwd)} ${why}: nothing was built or removed`, {
    hint: `this file lists what the last build wrote, so the next one can take down what it no longer writes; restore it, or delete it and remove by hand any page no longer published (a build without it removes nothing)`,
    cause,
  });
}

/**
 * The list's text for the files written now (absolute paths inside `outDir`), and for `carried`:
 * entries of the previous list, kept as they were written there.
 */
export function publishedList(outDir: string, files: readonly string[], carried: readonly string[] = []): string {
  const relativeFiles = new Set([...carried, ...files.map((file) => relative(outDir, file).split(sep).join('/'))]);
  return `${JSON.stringify({ files: [...relativeFiles] }, null, 2)}\n`;
}

/**
 * Removes the previously published files that this build did not write, and folders left empty.
 * Returns the removed files, relative to `outDir`.
 */
export async function withdrawStale(
  outDir: string,
  previous: readonly string[],
  written: readonly string[],
  isOurs: (path: string) => boolean = isArchiveFile,
): Promise<string[]> {
  const root = await realpath(outDir);
  // Compared as written to disk: "./index.html" in a tampered list is the index just written.
  const key = (file: string) => relative(outDir, resolve(outDir, file));
  const current = new Set(written.map(key));
  const removed: string[] = [];
  for (const entry of previous) {
    const path = normalize(entry);
    if (current.has(key(entry)) || isAbsolute(path) || path.startsWith('..') || !isOurs(path)) continue;
    const file = join(root, path);
    // A folder on the way may be a link: what it leads to outside the output folder is not ours.
    const folder = await realpath(dirname(file)).catch(() => undefined);
    if (!folder || (folder !== root && !folder.startsWith(root + sep))) continue;
    const stat = await lstat(file).catch(() => undefined);
    if (!stat?.isFile()) continue;
    await rm(file);
    removed.push(entry);
    // Only an empty folder goes: anything else put there is left alone.
    let dir = dirname(file);
    while (dir.startsWith(root + sep) && (await removeIfEmpty(dir))) dir = dirname(dir);
  }
  return removed;
}

function removeIfEmpty(dir: string): Promise<boolean> {
  return rmdir(dir).then(
    () => true,
    () => false,
  );
}
