import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Problem } from '../errors.js';
import { displayPath } from '../load/_display.js';
import { MANIFEST_FILE } from '../load/issue.js';
import { summaryIdFromFile } from '../load/summary.js';
import { sentStoryIds } from './picked-record.js';
import { isPoolRef, poolIdIn } from './refs.js';

export interface IssueFolder {
  /** Folder name, e.g. `2026-W48`. */
  id: string;
  dir: string;
  manifest: Record<string, unknown> | undefined;
}

/** Every folder under `issuesDir` that holds an `issue.json`, sorted by name. */
export async function listIssueFolders(issuesDir: string): Promise<string[]> {
  try {
    const names = (await readdir(issuesDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    return names.filter((name) => existsSync(join(issuesDir, name, MANIFEST_FILE))).sort();
  } catch {
    return [];
  }
}

/**
 * Which issues use which pool entries, by `pool:<id>` or by a path into the pool folder, or sent
 * them (taken out of the issue since, as its picked.json records). Only the manifests and records
 * are read (not the summaries): a broken summary elsewhere must not hide what is used. `named`
 * holds the manifests' entries alone.
 */
export async function scanPoolUsage(
  issuesDir: string,
  poolDir: string,
): Promise<{
  usedIn: Map<string, string[]>;
  named: Map<string, string[]>;
  issues: IssueFolder[];
  problems: Problem[];
}> {
  const named = new Map<string, string[]>();
  const sent = new Map<string, string[]>();
  const issues: IssueFolder[] = [];
  const problems: Problem[] = [];
  for (const id of await listIssueFolders(issuesDir)) {
    const dir = join(issuesDir, id);
    const file = join(dir, MANIFEST_FILE);
    let manifest: Record<string, unknown> | undefined;
    try {
      // A leading byte order mark is skipped, as the loader skips it: the issue reads, and was sent.
      const value: unknown = JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, ''));
      if (typeof value === 'object' && value !== null && !Array.isArray(value))
        manifest = value as Record<string, unknown>;
    } catch {
      // Reported below like a manifest of the wrong shape.
    }
    issues.push({ id, dir, manifest });
    const record = await sentStoryIds(dir);
    if (record.problem) problems.push(record.problem);
    for (const poolId of record.ids) addUse(sent, poolId, id);
    const entries = manifest?.summaries;
    if (!Array.isArray(entries)) {
      problems.push({
        severity: 'warning',
        file: displayPath(file),
        field: 'summaries',
        message: 'could not be read, so the pool summaries this issue uses are unknown',
        hint: `run "rolecast check ${displayPath(dir)}"`,
      });
      continue;
    }
    for (const entry of entries) {
      if (typeof entry !== 'string') continue;
      const poolId = poolIdOf(entry, dir, poolDir);
      if (poolId !== undefined) addUse(named, poolId, id);
    }
  }
  const usedIn = new Map([...named].map(([poolId, ids]) => [poolId, [...ids]]));
  for (const [poolId, ids] of sent) for (const id of ids) addUse(usedIn, poolId, id);
  for (const ids of usedIn.values()) ids.sort();
  return { usedIn, named, issues, problems };
}

function addUse(uses: Map<string, string[]>, poolId: string, issueId: string): void {
  const list = uses.get(poolId) ?? [];
  if (!list.includes(issueId)) list.push(issueId);
  uses.set(poolId, list);
}

function poolIdOf(entry: string, issueDir: string, poolDir: string): string | undefined {
  if (isPoolRef(entry)) return poolIdIn(entry);
  const file = resolve(issueDir, entry.trim());
  return dirname(file) === resolve(poolDir) ? summaryIdFromFile(file) : undefined;
}
