import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join, relative, resolve, sep } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import type { Problem } from '../errors.js';
import { MANIFEST_FILE, PICKED_FILE } from '../load/issue.js';
import { SUMMARY_EXTENSIONS } from '../load/summary.js';
import { goneTwins } from '../pool/gone-twins.js';
import { isPoolRef, loadPool, poolIdIn, poolRef } from '../pool/index.js';

/** A summary the editor panel offers to include: a file of the issue folder, or a pool entry. */
export interface Candidate {
  /** Relative to the issue folder, with `/`: how `issue.json` names it. */
  path: string;
  source: 'issue' | 'pool';
  /** A pool entry's title, to pick it by. */
  title?: string;
}

// Every extension the loader reads (.markdown too), so no file `check` warns is unlisted is left out here.
const isSummaryFile = (name: string) => (SUMMARY_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
const SKIPPED = new Set(['node_modules', '.git', '.rolecast']);
/** A folder of thousands of files is not a pool an editor picks from by hand. */
const MAX_FILES = 2000;

/** The pool folder (config `pool`, default `summaries/` beside the config); undefined when it does not exist. */
export function poolFolder(config: ResolvedConfig, cwd: string): string | undefined {
  const folder = config.poolDir ?? resolve(config.file ? dirname(config.file) : cwd, config.pool ?? 'summaries');
  return existsSync(folder) ? folder : undefined;
}

/**
 * What the panel offers: unlisted summary files of the issue folder, by path, and the pool's ready
 * entries that no issue has used yet, as `pool:<id>` (how issue.json names them). Drafts and
 * entries another issue already sent (under their name, or renamed since) stay out of the list, as
 * they do for `rolecast new`.
 */
export async function listCandidates(
  config: ResolvedConfig,
  issueDir: string,
  listed: readonly string[],
  cwd: string,
  /** Receives the pool files left out because they do not load (two files of one id, …), to be named beside the list. */
  leftOut: Problem[] = [],
): Promise<Candidate[]> {
  const dir = resolve(issueDir);
  // `pool: <id>` with a space names the same entry as `pool:<id>`, which is how the pool offers it.
  const taken = new Set(listed.map((entry) => (isPoolRef(entry) ? poolRef(poolIdIn(entry)) : resolve(dir, entry))));
  taken.add(join(dir, MANIFEST_FILE));
  // What `new` kept of its picks: not a summary, and an issue listing it does not load.
  taken.add(join(dir, PICKED_FILE));
  const candidates: Candidate[] = [];
  for (const file of await summaryFiles(dir))
    if (!taken.has(file)) candidates.push({ path: relative(dir, file).split(sep).join('/'), source: 'issue' });
  const folder = poolFolder(config, cwd);
  if (folder) {
    const pool = await loadPool({ ...config, poolDir: folder }, { issuesDir: dirname(dir) });
    leftOut.push(...pool.problems.filter((problem) => problem.severity === 'error'));
    const twinOfGone = goneTwins(pool.gone);
    for (const entry of pool.entries) {
      if (entry.status !== 'ready' || taken.has(entry.ref) || taken.has(entry.path)) continue;
      if (entry.usedIn.some((issue) => issue !== basename(dir))) continue;
      // A renamed copy of a story another issue took, as `new` knows it from that issue's record.
      if (twinOfGone(entry)?.usedIn.some((issue) => issue !== basename(dir))) continue;
      candidates.push({ path: entry.ref, source: 'pool', title: entry.title });
    }
  }
  return candidates;
}

async function summaryFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const dirs = [root];
  for (let index = 0; index < dirs.length && files.length < MAX_FILES; index++) {
    const dir = dirs[index]!;
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
      if (entry.isDirectory()) dirs.push(join(dir, entry.name));
      else if (entry.isFile() && isSummaryFile(entry.name)) files.push(join(dir, entry.name));
    }
  }
  return files;
}
