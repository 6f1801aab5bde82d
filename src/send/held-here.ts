import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';

/**
 * The state files this process holds open through SQLite, by device and inode (a link or another
 * path to the same file is the same file). On Linux, closing any descriptor a process has on a file
 * drops every POSIX lock the process holds on it, SQLite's own included
 * (https://www.sqlite.org/howtocorrupt.html, section 2.2). The checks that read the file, its log
 * and its index byte by byte (wal-check.ts, log-origin.ts, side-files-writable.ts) open and close
 * them: run while a connection of this process has the file open (a send noting the subscribers
 * file's fields, each wave of a scheduled send, a program using the library), they left that
 * connection without its locks, so another command closing the file took itself for the last one,
 * copied the log in and deleted it, and what this process wrote after went to a deleted log no
 * other process reads (a suppression or a "sent" row gone). Those checks are of what SQLite lays
 * over the file as it first opens it: a file already open here went through them then.
 */
const held = new Map<string, Set<Database.Database>>();

function identity(file: string): string | undefined {
  try {
    const stat = statSync(file);
    return `${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

/** Counts `db` as holding `file` open until it is closed. */
export function holdOpen(db: Database.Database, file: string): void {
  const key = identity(file);
  if (!key) return;
  const connections = held.get(key) ?? new Set();
  held.set(key, connections);
  connections.add(db);
  const close = db.close.bind(db);
  db.close = () => {
    try {
      return close();
    } finally {
      connections.delete(db);
      if (connections.size === 0 && held.get(key) === connections) held.delete(key);
    }
  };
}

/** Whether a connection of this process has `file` open, so its bytes must not be opened beside it. */
export function heldOpenHere(file: string): boolean {
  const key = identity(file);
  const connections = key === undefined ? undefined : held.get(key);
  if (!connections) return false;
  for (const db of connections) if (!db.open) connections.delete(db);
  if (connections.size > 0) return true;
  held.delete(key!);
  return false;
}
