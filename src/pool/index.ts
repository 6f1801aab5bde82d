import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DateTime } from 'luxon';
import { append } from '../append.js';
import type { ResolvedConfig } from '../config/schema.js';
import type { Problem } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { insideProject } from '../load/inside-project.js';
import { loadSummaryFile, SUMMARY_EXTENSIONS } from '../load/summary.js';
import type { Summary } from '../model/summary.js';
import { loadTaxonomy, type RoleTaxonomy } from '../roles/taxonomy.js';
import { type GoneStory, readGoneStories } from './picked-record.js';
import { indexPool, namedAside, type PoolIndex, poolRef } from './refs.js';
import { type IssueFolder, scanPoolUsage } from './usage.js';

export {
  closestId,
  indexPool,
  isPoolRef,
  POOL_PREFIX,
  type PoolIndex,
  poolIdIn,
  poolRef,
  resolvePoolRef,
} from './refs.js';
export { type IssueFolder, listIssueFolders, scanPoolUsage } from './usage.js';

export type PoolStatus = 'draft' | 'ready';

export interface PoolEntry {
  id: string;
  /** What `issue.json` lists to use this entry: `pool:<id>`. */
  ref: string;
  /** Absolute path of the summary file. */
  path: string;
  title: string;
  /** When it was written, YYYY-MM-DD. */
  date: string;
  /** `field` when the file says so; `mtime` when it does not and the file's modification time stands in. */
  dateFrom: 'field' | 'mtime';
  status: PoolStatus;
  roles: string[];
  /** Issue folders (e.g. `2026-W48`) whose `issue.json` uses this entry. */
  usedIn: string[];
  summary: Summary;
}

export interface Pool {
  dir: string;
  exists: boolean;
  /** Valid entries, newest first. Files that fail to load are in `problems` instead. */
  entries: PoolEntry[];
  /** Issue folders found while looking for uses, sorted by name. */
  issues: IssueFolder[];
  /** Stories issues name whose pool file is gone (renamed or deleted), as `new` recorded them. */
  gone: GoneStory[];
  problems: Problem[];
  /** Files (absolute paths) in the pool folder no one means as a summary (a read-me, a backup), left out with a note. */
  skipped: { file: string; what: string }[];
}

export interface PoolOptions {
  /** The folder holding one folder per issue; default `issues` beside the config file. */
  issuesDir?: string;
  taxonomy?: RoleTaxonomy;
}

/** Reads the content pool named by the config, with each entry's date, status, roles and uses. */
export async function loadPool(config: ResolvedConfig, options: PoolOptions = {}): Promise<Pool> {
  const issuesDir = options.issuesDir ?? join(config.file ? dirname(config.file) : process.cwd(), 'issues');
  const taxonomy = options.taxonomy ?? (await loadTaxonomy(config.rolesFile));
  const index = await indexPool(config.poolDir);
  const usage = await scanPoolUsage(issuesDir, config.poolDir);
  const problems: Problem[] = [...usage.problems];
  // The pool is flat: a subfolder or another kind of file would otherwise drop out unseen.
  for (const name of index.ignored)
    problems.push({
      severity: 'warning',
      file: displayPath(join(config.poolDir, name)),
      message: name.endsWith('/')
        ? 'is a folder in the pool, which is read flat: its files are not pool summaries'
        : `is not a summary file (${SUMMARY_EXTENSIONS.join(', ')}), so it is not in the pool`,
      hint: folderHint(name),
    });
  append(problems, missingFromPool(usage.named, index, config.poolDir));
  const gone = await readGoneStories(
    usage.issues,
    usage.usedIn,
    (id) => index.byId.has(id) || namedAside(id, index) !== undefined,
  );
  // Recorded as roles.yaml named them that week: read through today's file, as the pool's entries are,
  // so a role renamed since (its old name kept as an alias) still ties a renamed copy to its story.
  const goneStories = gone.map((story) => ({
    ...story,
    roles: [...new Set(story.roles.map((role) => taxonomy.normalise(role)))],
  }));
  const entries: PoolEntry[] = [];
  for (const [id, files] of index.byId) {
    // A name in another script (日本語.txt) makes no slug: each file is named, never "id \"\" is also used by".
    if (id === '') {
      for (const file of files) problems.push(noPoolId(file));
      continue;
    }
    // Every file past the first is named: a third copy (a.txt, a.json, a.md) must not drop out unseen.
    if (files.length > 1) {
      for (const file of files.slice(1))
        problems.push({
          severity: 'error',
          file: displayPath(file),
          field: 'id',
          message: `pool id "${id}" is also used by ${displayPath(files[0]!)}`,
          hint: 'rename or remove one of them so each pool id names one file',
        });
      continue;
    }
    const path = files[0]!;
    // A link out of the project is refused by the issue that names it: offering it would make new
    // write an issue that check refuses (and the archive would publish a file kept elsewhere).
    if (!(await insideProject(path, dirname(issuesDir))) && !(await insideProject(path, config.poolDir))) {
      problems.push({
        severity: 'error',
        file: displayPath(path),
        message: `is a link that leads outside the project folder ${displayPath(dirname(issuesDir))}, so no issue can use it`,
        hint: 'copy the file into the pool instead of linking to it',
      });
      continue;
    }
    const loaded = await loadSummaryFile(path, taxonomy, displayPath(path));
    append(problems, loaded.problems);
    if (!loaded.summary) continue;
    const summary = loaded.summary;
    const date = summary.date ?? (await fileDate(path, config.timezone));
    entries.push({
      id,
      ref: poolRef(id),
      path,
      title: summary.title,
      date,
      dateFrom: summary.date ? 'field' : 'mtime',
      status: summary.status ?? 'ready',
      roles: summary.roles,
      usedIn: usage.usedIn.get(id) ?? [],
      summary,
    });
  }
  const skipped = index.skipped.map(({ name, what }) => ({ file: join(config.poolDir, name), what }));
  return {
    dir: config.poolDir,
    exists: index.exists,
    entries: newestFirst(entries),
    issues: usage.issues,
    gone: goneStories,
    problems,
    skipped,
  };
}

/**
 * Pool summaries an issue names that the pool no longer holds (deleted or renamed after the issue
 * was made): the issue no longer loads, and the archive of a sent one loses the story.
 */
function missingFromPool(usedIn: Map<string, string[]>, index: PoolIndex, poolDir: string): Problem[] {
  return [...usedIn]
    .filter(([id]) => !index.byId.has(id) && !namedAside(id, index))
    .map(([id, issues]) => ({
      severity: 'warning' as const,
      file: displayPath(poolDir),
      message: `pool summary "${id}" is named by ${issues.map((i) => `issue ${i}`).join(', ')} but is not in the pool`,
      hint: 'put the file back (or restore it from where the issue was sent), or take it out of those issues',
    }));
}

function noPoolId(file: string): Problem {
  return {
    severity: 'error',
    file: displayPath(file),
    field: 'id',
    message:
      'has no pool id: a pool id is the file name in lower-case letters a-z, digits and dashes, and this name has none',
    hint: 'rename the file to lower-case letters, digits and dashes, e.g. open-source-ai.txt',
  };
}

function folderHint(name: string): string {
  if (!name.endsWith('/')) return 'save it in one of those formats, or move it out of the pool folder';
  // A drafts folder is the usual one: the pool has its own way to hold a draft back.
  if (/^drafts?\/$/i.test(name))
    return 'keep a draft in the pool folder itself with "status: draft" (new leaves drafts out), or outside the pool';
  return 'move its summaries up into the pool folder, or keep archived ones outside it';
}

/** Newest first; ties by id, so the order never depends on the file system. */
export function newestFirst<T extends { date: string; id: string }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id));
}

async function fileDate(path: string, zone: string): Promise<string> {
  const { mtime } = await stat(path);
  return DateTime.fromJSDate(mtime, { zone }).toISODate() ?? DateTime.fromJSDate(mtime).toISODate()!;
}
