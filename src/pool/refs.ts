import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { SUMMARY_EXTENSIONS, summaryIdFromFile } from '../load/summary.js';
import { levenshtein } from '../roles/taxonomy.js';

/**
 * How `issue.json` names a pool summary: `"pool:<id>"`. Anything without the prefix is a path
 * relative to the issue folder, so a file and a pool entry can never be confused.
 */
export const POOL_PREFIX = 'pool:';

export function poolRef(id: string): string {
  return `${POOL_PREFIX}${id}`;
}

export function isPoolRef(entry: string): boolean {
  return entry.startsWith(POOL_PREFIX);
}

/** The id a `pool:<id>` entry names; `"pool: <id>"`, with a space, names the same one. */
export function poolIdIn(ref: string): string {
  return ref.slice(POOL_PREFIX.length).trim();
}

/** The pool's files by summary id (the file name made into a slug), read once per load. */
export interface PoolIndex {
  dir: string;
  exists: boolean;
  byId: Map<string, string[]>;
  /** What the folder holds that is not a summary file: subfolders and other extensions (not dot files). */
  ignored: string[];
  /** Files no one means as a summary (the folder's read-me, an editor's backup), with what each is. */
  skipped: { name: string; what: string }[];
}

/**
 * Files that sit in a folder of notes without being one: a read-me or licence for the folder, and
 * the copies editors leave beside a file they save. Read as summaries, they would be errors.
 */
export function notASummary(name: string): string | undefined {
  if (/^(readme|license|licence|changelog|contributing)(\.[a-z]{1,8})?$/i.test(name)) return "the folder's read-me";
  if (/(~|\.bak|\.orig|\.tmp)$/i.test(name) || /^#.*#$/.test(name)) return "an editor's backup copy";
  return undefined;
}

const HIDDEN = 'a hidden file: its name starts with a dot';

/** Lists the summary files directly in the pool folder; a missing folder is an empty pool. */
export async function indexPool(dir: string): Promise<PoolIndex> {
  let names: string[];
  const ignored: string[] = [];
  const skipped: { name: string; what: string }[] = [];
  try {
    // A symlinked file is listed too (the loader still refuses one leading out of the project).
    const found = await readdir(dir, { withFileTypes: true });
    names = found.filter((d) => d.isFile() || d.isSymbolicLink()).map((d) => d.name);
    for (const d of found) if (d.isDirectory() && !d.name.startsWith('.')) ignored.push(`${d.name}/`);
  } catch {
    return { dir, exists: false, byId: new Map(), ignored, skipped };
  }
  const byId = new Map<string, string[]>();
  const extensions: readonly string[] = SUMMARY_EXTENSIONS;
  for (const name of names.sort()) {
    if (name.startsWith('.')) {
      // A summary hidden by its name (a dot typed first) is named; macOS's `._` copies and the
      // like (.DS_Store) are not the editor's.
      if (!name.startsWith('._') && extensions.includes(extname(name).toLowerCase()))
        skipped.push({ name, what: HIDDEN });
      continue;
    }
    const what = notASummary(name);
    if (what) {
      skipped.push({ name, what });
      continue;
    }
    if (!extensions.includes(extname(name).toLowerCase())) {
      ignored.push(name);
      continue;
    }
    const id = summaryIdFromFile(name);
    byId.set(id, [...(byId.get(id) ?? []), join(dir, name)]);
  }
  return { dir, exists: true, byId, ignored: ignored.sort(), skipped };
}

/**
 * A summary file the pool leaves out for its name (`changelog.md`, as a folder's read-me is
 * called): an issue that names it by its id means it as a summary, so that reads it.
 */
export function namedAside(id: string, index: PoolIndex): string[] | undefined {
  const files = index.skipped
    .filter(
      ({ name, what }) =>
        what !== HIDDEN &&
        (SUMMARY_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase()) &&
        summaryIdFromFile(name) === id,
    )
    .map(({ name }) => join(index.dir, name));
  return files.length ? files : undefined;
}

export type RefResolution = { file: string } | { message: string; hint: string };

/** Resolves `pool:<id>` to its file, or says why not (unknown id with a did-you-mean, or an id two files share). */
export function resolvePoolRef(ref: string, index: PoolIndex, shownDir: string): RefResolution {
  const id = poolIdIn(ref);
  const files = index.byId.get(id) ?? namedAside(id, index);
  if (files?.length === 1) return { file: files[0]! };
  if (files && files.length > 1)
    return {
      message: `pool id "${id}" is ambiguous: ${files.length} files in ${shownDir} share it`,
      hint: 'rename or remove one of them so each pool id names one file',
    };
  if (!index.exists)
    return {
      message: `names pool summary "${id}", but the pool folder ${shownDir} does not exist`,
      hint: 'create it or set "pool" in rolecast.config.json',
    };
  const closest = closestId(id, [...index.byId.keys()]);
  return {
    message: `names pool summary "${id}", which is not in ${shownDir}`,
    hint: closest ? `did you mean "${poolRef(closest)}"?` : 'run "rolecast pool" to list the pool',
  };
}

/** The nearest id by edit distance, when it is a plausible typo. */
export function closestId(id: string, ids: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of ids) {
    const distance = levenshtein(id, candidate);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(id.length / 3)) ? best : undefined;
}
