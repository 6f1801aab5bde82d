import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import { MANIFEST_FILE } from '../load/issue.js';

/**
 * Summary files the editor panel offers to include: those in the issue folder that `issue.json`
 * does not list, and those in the pool folder. This is the one place that decides what a candidate
 * is, so a richer pool (dates, status, which issue used each) can replace it without touching the panel.
 */
export interface Candidate {
  /** Relative to the issue folder, with `/`: how `issue.json` names it. */
  path: string;
  source: 'issue' | 'pool';
}

const SUMMARY_FILE = /\.(txt|json|md)$/i;
const SKIPPED = new Set(['node_modules', '.git', '.rolecast']);
/** A folder of thousands of files is not a pool an editor picks from by hand. */
const MAX_FILES = 2000;

/** The pool folder: config `pool`, else `summaries/` beside the config; undefined when it does not exist. */
export function poolFolder(config: ResolvedConfig, cwd: string): string | undefined {
  const configured = (config as ResolvedConfig & { pool?: unknown }).pool;
  const base = config.file ? dirname(config.file) : cwd;
  const folder = resolve(base, typeof configured === 'string' && configured.trim() ? configured : 'summaries');
  return existsSync(folder) ? folder : undefined;
}

export async function listCandidates(
  config: ResolvedConfig,
  issueDir: string,
  listed: readonly string[],
  cwd: string,
): Promise<Candidate[]> {
  const dir = resolve(issueDir);
  const taken = new Set(listed.map((entry) => resolve(dir, entry)));
  taken.add(join(dir, MANIFEST_FILE));
  const found = new Map<string, Candidate['source']>();
  for (const file of await summaryFiles(dir)) found.set(file, 'issue');
  const pool = poolFolder(config, cwd);
  if (pool) for (const file of await summaryFiles(pool)) if (!found.has(file)) found.set(file, 'pool');
  return [...found]
    .filter(([file]) => !taken.has(file))
    .map(([file, source]) => ({ path: relative(dir, file).split(sep).join('/'), source }));
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
      else if (entry.isFile() && SUMMARY_FILE.test(entry.name)) files.push(join(dir, entry.name));
    }
  }
  return files;
}
