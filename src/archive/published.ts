import { createHash } from 'node:crypto';
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
 * A build's list: the files it wrote, relative to the output folder, and the SHA-256 of what it
 * wrote in each. Only a file still holding what a build wrote is ever removed: a list that names
 * a file of someone else's (tampered, or copied from another folder) cannot have it removed.
 */
export interface PublishedFiles {
  files: string[];
  /** Per file, the contents a build wrote there (more than one while a build was under way). */
  sha256: Record<string, string[]>;
}

/** The fingerprint a list keeps of what a build wrote in a file. */
export const fingerprint = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/**
 * The previous build's files; none when there is no list yet. A list that is there but does not
 * read (bad JSON, another shape, not a file) is refused: read as empty, the pages it names would
 * stay public and be forgotten, and nothing may be removed on a guess either. A list of an earlier
 * release has no fingerprints: its files are named, never removed.
 */
export async function readPublished(outDir: string, cwd?: string, name = PUBLISHED_LIST): Promise<PublishedFiles> {
  const file = join(outDir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], sha256: {} };
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
  return { files, sha256: fingerprintsOf((list as { sha256?: unknown }).sha256) };
}

/** Fingerprints as listed; anything else in their place is none (the file is then never removed). */
function fingerprintsOf(value: unknown): Record<string, string[]> {
  const found: Record<string, string[]> = Object.create(null);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return found;
  for (const [path, digests] of Object.entries(value)) {
    const list = typeof digests === 'string' ? [digests] : Array.isArray(digests) ? digests : [];
    found[path] = list.filter((d): d is string => typeof d === 'string' && /^[0-9a-f]{64}$/.test(d));
  }
  return found;
}

function unreadableList(file: string, cwd: string | undefined, why: string, cause?: unknown): RolecastError {
  return new RolecastError('E_INVALID', `${displayPath(file, cwd)} ${why}: nothing was built or removed`, {
    hint: `this file lists what the last build wrote, so the next one can take down what it no longer writes; restore it, or delete it and remove by hand any page no longer published (a build without it removes nothing)`,
    cause,
  });
}

/**
 * The list's text for the files written now (absolute paths inside `outDir`, each with the
 * fingerprint of what is written there), and for `carried`: entries of the previous list, kept as
 * they were written there, with their fingerprints (a file about to be written keeps its old one
 * too, so a build stopped before writing it can still take it down).
 */
export function publishedList(
  outDir: string,
  written: ReadonlyMap<string, string>,
  carried: PublishedFiles = { files: [], sha256: {} },
): string {
  const sha256: Record<string, string[]> = {};
  for (const entry of carried.files) sha256[entry] = [...(carried.sha256[entry] ?? [])];
  for (const [file, digest] of written) {
    const entry = relative(outDir, file).split(sep).join('/');
    sha256[entry] = [...new Set([...(sha256[entry] ?? []), digest])];
  }
  return `${JSON.stringify({ files: Object.keys(sha256), sha256 }, null, 2)}\n`;
}

/**
 * Removes the previously published files that this build did not write, and folders left empty.
 * A file is removed only when it still holds what a build wrote there: one changed since, or
 * listed with no fingerprint (by an earlier release, or by hand), is left and returned as `left`.
 * Returns the files, relative to `outDir`.
 */
export async function withdrawStale(
  outDir: string,
  previous: PublishedFiles,
  written: readonly string[],
  isOurs: (path: string) => boolean = isArchiveFile,
): Promise<{ removed: string[]; left: string[] }> {
  const root = await realpath(outDir);
  // Compared as written to disk: "./index.html" in a tampered list is the index just written.
  const key = (file: string) => relative(outDir, resolve(outDir, file));
  const current = new Set(written.map(key));
  const removed: string[] = [];
  const left: string[] = [];
  for (const entry of previous.files) {
    const path = normalize(entry);
    if (current.has(key(entry)) || isAbsolute(path) || path.startsWith('..') || !isOurs(path)) continue;
    const file = join(root, path);
    // A folder on the way may be a link: what it leads to outside the output folder is not ours.
    const folder = await realpath(dirname(file)).catch(() => undefined);
    if (!folder || (folder !== root && !folder.startsWith(root + sep))) continue;
    const stat = await lstat(file).catch(() => undefined);
    if (!stat?.isFile()) continue;
    const digests = Object.hasOwn(previous.sha256, entry) ? previous.sha256[entry]! : [];
    if (!digests.includes(fingerprint(await readFile(file)))) {
      left.push(entry);
      continue;
    }
    await rm(file);
    removed.push(entry);
    // Only an empty folder goes: anything else put there is left alone.
    let dir = dirname(file);
    while (dir.startsWith(root + sep) && (await removeIfEmpty(dir))) dir = dirname(dir);
  }
  return { removed, left };
}

function removeIfEmpty(dir: string): Promise<boolean> {
  return rmdir(dir).then(
    () => true,
    () => false,
  );
}
