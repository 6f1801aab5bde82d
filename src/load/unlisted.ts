import { readdir } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { Problem } from '../errors.js';
import { displayPath } from './_display.js';
import { MANIFEST_FILE, PICKED_FILE } from './issue.js';
import { SUMMARY_EXTENSIONS } from './summary.js';

/** Deep enough for `summaries/topic/x.txt`; a bound so a stray link loop or huge tree cannot stall a check. */
const MAX_DEPTH = 4;
const MAX_ENTRIES = 5_000;

/**
 * Summary files inside the issue folder that `issue.json` does not list: written, then forgotten.
 * Each is a warning naming the path to add. Hidden folders and dot files other than summaries are skipped.
 */
export async function unlistedSummaryFiles(issueDir: string, listed: ReadonlySet<string>): Promise<Problem[]> {
  const found: string[] = [];
  const hidden = new Set<string>();
  let seen = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (++seen > MAX_ENTRIES) continue;
      const path = join(dir, entry.name);
      // A summary hidden by a dot typed first (.queues.txt) is the editor's, as in the pool; macOS's `._`
      // copies, Emacs's `.#` locks, other dot files and dot folders are not.
      if (entry.name.startsWith('.')) {
        if (!/^\.[_#]/.test(entry.name) && !entry.isDirectory() && isSummaryFile(entry.name) && !listed.has(path)) {
          hidden.add(path);
          found.push(path);
        }
        continue;
      }
      if (entry.isDirectory() && depth < MAX_DEPTH) await walk(path, depth + 1);
      else if (
        (entry.isFile() || entry.isSymbolicLink()) &&
        entry.name !== MANIFEST_FILE &&
        entry.name !== PICKED_FILE &&
        isSummaryFile(entry.name) &&
        !listed.has(path)
      )
        found.push(path);
    }
  };
  await walk(issueDir, 1);
  return found.map((file) => {
    const entry = relative(issueDir, file).split(sep).join('/');
    return {
      severity: 'warning' as const,
      file: displayPath(file),
      message: `is in the issue folder but not listed in ${MANIFEST_FILE}${hidden.has(file) ? ', and hidden by the dot its name starts with' : ''}, so no reader gets it`,
      hint: `${hidden.has(file) ? 'take the dot off its name and add it' : `add "${entry}"`} to "summaries" in ${MANIFEST_FILE}, or move the file out of the issue folder`,
    };
  });
}

function isSummaryFile(name: string): boolean {
  return (SUMMARY_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}
