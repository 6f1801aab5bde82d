import { type Dirent, existsSync, type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A folder to watch; `files` narrows it to some files directly inside it. */
export interface WatchTarget {
  path: string;
  recursive: boolean;
  files?: string[];
}

export interface ProjectWatcher {
  /** Replaces what is watched; folders already watched keep their watcher. */
  update(targets: WatchTarget[]): void;
  close(): void;
}

/** Basenames to react to in one folder; undefined means every change in it. */
type Names = Set<string> | undefined;

/** Editor droppings that are not content: swap files, backups, vim's write test file. */
const NOISE = /^(\.#.*|.*\.sw[a-p]x?|.*~|4913)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.rolecast']);
const MAX_DIRS = 500;

/**
 * Watches every folder on its own, without fs.watch's `recursive`: on Linux, Node 20 emulates
 * recursion with one watcher per file, which loses track of a file after the first save that
 * replaces it (write to a temp file, then rename). A folder watcher sees every such save. New
 * subfolders are picked up on the next `update`, which follows every rebuild.
 */
export function createWatcher(onChange: (file: string) => void, onError: (message: string) => void): ProjectWatcher {
  const active = new Map<string, { names: Names; watcher: FSWatcher; identity: string | undefined }>();

  function start(dir: string): FSWatcher | undefined {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, filename) => {
        const name = filename ? String(filename) : '';
        if (name && NOISE.test(name)) return;
        const names = active.get(dir)?.names;
        if (names && name && !names.has(name)) return;
        onChange(name ? join(dir, name) : dir);
      });
      watcher.on('error', (error) => onError(`watching ${dir} failed: ${error.message}`));
      return watcher;
    } catch (error) {
      onError(`cannot watch ${dir}: ${(error as Error).message}`);
      return undefined;
    }
  }

  return {
    update(targets) {
      const wanted = expand(targets);
      for (const [dir, { watcher }] of active) {
        if (!wanted.has(dir)) {
          watcher.close();
          active.delete(dir);
        }
      }
      for (const [dir, names] of wanted) {
        const existing = active.get(dir);
        const identity = identityOf(dir);
        // A folder moved away and another put in its place (a branch switch) needs a new watcher:
        // the old one follows the folder it was opened on.
        if (existing && existing.identity === identity) {
          existing.names = names;
          continue;
        }
        existing?.watcher.close();
        active.delete(dir);
        const watcher = start(dir);
        if (watcher) active.set(dir, { names, watcher, identity });
      }
    },
    close() {
      for (const { watcher } of active.values()) watcher.close();
      active.clear();
    },
  };
}

/** One entry per existing folder: recursive targets become their whole folder tree. */
function expand(targets: WatchTarget[]): Map<string, Names> {
  const byDir = new Map<string, Names>();
  const add = (dir: string, names: Names) => {
    if (!byDir.has(dir)) {
      byDir.set(dir, names);
      return;
    }
    const previous = byDir.get(dir);
    if (!previous || !names) byDir.set(dir, undefined);
    else for (const name of names) previous.add(name);
  };
  for (const target of targets) {
    if (!existsSync(target.path)) {
      // Gone for now (moved away, or not yet created): its parent says when it is back.
      const { dir, name } = nearestExisting(target.path);
      if (dir) add(dir, new Set([name]));
      continue;
    }
    if (target.recursive) for (const dir of folderTree(target.path)) add(dir, undefined);
    else add(target.path, target.files ? new Set(target.files.map((f) => basename(f))) : undefined);
  }
  return byDir;
}

function folderTree(root: string): string[] {
  const dirs = [root];
  for (let index = 0; index < dirs.length && dirs.length < MAX_DIRS; index++) {
    let entries: Dirent[];
    try {
      entries = readdirSync(dirs[index]!, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) dirs.push(join(dirs[index]!, entry.name));
    }
  }
  return dirs;
}

/** The closest folder above `path` that exists, and the name in it that leads towards `path`. */
function nearestExisting(path: string): { dir: string | undefined; name: string } {
  let child = path;
  for (let dir = dirname(path); dir !== child; child = dir, dir = dirname(dir)) {
    if (existsSync(dir)) return { dir, name: basename(child) };
  }
  return { dir: undefined, name: '' };
}

/**
 * Which folder is at `dir`: its inode and its creation time, since a folder deleted and made again
 * (rm -rf, then a restore) is often given the inode number just freed.
 */
function identityOf(dir: string): string | undefined {
  try {
    const stat = statSync(dir, { bigint: true });
    return `${stat.dev}:${stat.ino}:${stat.birthtimeNs}`;
  } catch {
    return undefined;
  }
}
